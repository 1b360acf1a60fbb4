using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>Hands a state change to every <see cref="IWhatsAppInstanceStateHandler"/>, in a scope of its own; one that throws is logged, and the others still run.</summary>
internal static partial class InstanceStateHandlers
{
    public static Func<WhatsAppInstanceStatus, WhatsAppInstanceStatus, CancellationToken, Task> Dispatcher(IServiceScopeFactory scopes, ILogger logger) =>
        async (previous, current, cancellationToken) =>
        {
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                foreach (var handler in scope.ServiceProvider.GetServices<IWhatsAppInstanceStateHandler>())
                {
                    try
                    {
                        await handler.HandleAsync(previous, current, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (!(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
                    {
                        LogFailed(logger, e, handler.GetType().Name, current.Provider, current.Instance);
                    }
                }
            }
        };

    [LoggerMessage(Level = LogLevel.Error, Message = "The instance state handler {Handler} failed for {Provider} instance {Instance}; the other handlers still run, and monitoring goes on")]
    private static partial void LogFailed(ILogger logger, Exception exception, string handler, WhatsAppProvider provider, string instance);
}
