using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Messaging.WhatsApp;

/// <summary>
/// The health of one sender's instance, from what its monitor knows (it asks nothing itself, so a busy health
/// endpoint costs the gateway nothing): Healthy when ready; Degraded when starting, disconnected, unknown, not learned
/// yet, or learned longer than StateTrustWindow ago; Unhealthy (the registration's failure status) when logged out,
/// restricted, blocked or disabled, or when the gateway refused the credentials at the last ask. The data names the
/// provider, instance, state, the gateway's word, when and how it was learned, and the last ask's failure.
/// </summary>
internal sealed class WhatsAppInstanceHealthCheck : IHealthCheck
{
    private readonly InstanceStateMonitor _monitor;

    public WhatsAppInstanceHealthCheck(InstanceStateMonitor monitor) => _monitor = monitor;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = _monitor.Current;
        var failure = _monitor.LastFailure;
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["provider"] = status.Provider.Name,
            ["instance"] = status.Instance,
            ["registration"] = status.RegistrationName,
            ["state"] = InstanceStates.Name(status.State),
            ["providerState"] = status.ProviderState ?? string.Empty,
            ["learnedAt"] = status.LearnedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            ["source"] = status.Source.ToString(),
        };
        if (failure is not null)
        {
            data["lastError"] = failure.GetType().Name;
        }

        var unhealthy = context.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        var failed = failure is null ? string.Empty : $" The last ask failed: {failure.Message}";
        HealthCheckResult result;
        if (failure is WhatsAppAuthenticationException)
        {
            result = new HealthCheckResult(unhealthy, $"{status}. The gateway refuses the credentials, so nothing can be sent.{failed}", data: data);
        }
        else if (status.LearnedAt is null)
        {
            result = new HealthCheckResult(HealthStatus.Degraded, $"{status}.{failed}", data: data);
        }
        else if (!InstanceStateMonitor.IsFresh(status, _monitor.Time.GetUtcNow(), _monitor.TrustWindow))
        {
            result = new HealthCheckResult(HealthStatus.Degraded, $"{status}, longer ago than StateTrustWindow ({_monitor.TrustWindow.TotalSeconds:0} s): not known now.{failed}", data: data);
        }
        else
        {
            var health = InstanceStates.Health(status.State);
            result = new HealthCheckResult(health == HealthStatus.Unhealthy ? unhealthy : health, status.ToString(), data: data);
        }

        return Task.FromResult(result);
    }
}
