using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Messaging.WhatsApp;

/// <summary>What each neutral state means for health, for a send, and in telemetry: the one table.</summary>
/// <remarks>
/// | state | health | a send with <see cref="WhatsAppSenderOptions.FailFastWhenUnableToSend"/> |
/// |---|---|---|
/// | Ready | Healthy | sent |
/// | Starting, Disconnected, Unknown (or stale, or never learned) | Degraded | sent: the gateway queues it, and it goes out once the instance is back by itself |
/// | NeedsLogin, Restricted, Blocked, Disabled | Unhealthy | refused: nothing goes out until someone acts |
/// </remarks>
internal static class InstanceStates
{
    /// <summary>Every state, in the order of the enum (the metric reports each).</summary>
    public static readonly WhatsAppInstanceState[] All =
    [
        WhatsAppInstanceState.Unknown, WhatsAppInstanceState.Ready, WhatsAppInstanceState.Starting, WhatsAppInstanceState.Disconnected,
        WhatsAppInstanceState.NeedsLogin, WhatsAppInstanceState.Restricted, WhatsAppInstanceState.Blocked, WhatsAppInstanceState.Disabled,
    ];

    /// <summary>
    /// True for the states in which nothing goes out until someone acts (a login, a reboot, an unblocking, a renewed
    /// subscription): the gateway would queue a send that never leaves.
    /// </summary>
    public static bool NeedsAction(WhatsAppInstanceState state) =>
        state is WhatsAppInstanceState.NeedsLogin or WhatsAppInstanceState.Restricted or WhatsAppInstanceState.Blocked or WhatsAppInstanceState.Disabled;

    public static HealthStatus Health(WhatsAppInstanceState state) =>
        state == WhatsAppInstanceState.Ready ? HealthStatus.Healthy
        : NeedsAction(state) ? HealthStatus.Unhealthy
        : HealthStatus.Degraded;

    /// <summary>The state's name in telemetry and in the CLI: <c>ready</c>, <c>needs_login</c>, ….</summary>
    public static string Name(WhatsAppInstanceState state) => state switch
    {
        WhatsAppInstanceState.Ready => "ready",
        WhatsAppInstanceState.Starting => "starting",
        WhatsAppInstanceState.Disconnected => "disconnected",
        WhatsAppInstanceState.NeedsLogin => "needs_login",
        WhatsAppInstanceState.Restricted => "restricted",
        WhatsAppInstanceState.Blocked => "blocked",
        WhatsAppInstanceState.Disabled => "disabled",
        _ => "unknown",
    };
}
