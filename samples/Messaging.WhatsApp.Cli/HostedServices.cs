using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The hosted services of a service provider that has no host (the sender's, for GREEN-API's notification
/// poller): started as a host would start them, stopped in reverse order on dispose.
/// </summary>
internal sealed class HostedServices : IAsyncDisposable
{
    private readonly List<IHostedService> _started = [];

    private HostedServices()
    {
    }

    /// <summary>Starts every <see cref="IHostedService"/> of <paramref name="services"/>.</summary>
    /// <param name="services">The service provider.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started services; dispose to stop them.</returns>
    public static async Task<HostedServices> StartAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var hosted = new HostedServices();
        try
        {
            foreach (var service in services.GetServices<IHostedService>())
            {
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
                hosted._started.Add(service);
            }
        }
        catch
        {
            await hosted.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return hosted;
    }

    /// <summary>Stops the services, the last started first.</summary>
    /// <returns>A task that completes when every service stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var service in Enumerable.Reverse(_started))
        {
            await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _started.Clear();
    }
}
