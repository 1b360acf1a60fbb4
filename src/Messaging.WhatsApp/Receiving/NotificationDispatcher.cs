using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp;

/// <summary>
/// Hands one notification to the app's handlers, in a scope of its own: first every
/// <see cref="IWhatsAppNotificationHandler{TNotification}"/> whose type the notification is (its own type, then
/// its base types up to <see cref="object"/>), then every <see cref="IWhatsAppUpdateHandler"/> for each update,
/// one after the other. The first handler that throws ends the dispatch with its exception, so that the
/// notification counts as not received and comes again.
/// </summary>
internal sealed class NotificationDispatcher
{
    private static readonly ConcurrentDictionary<Type, TypedHandlers[]> HandlersByType = new();

    private readonly IServiceScopeFactory _scopes;

    public NotificationDispatcher(IServiceScopeFactory scopes) => _scopes = scopes;

    private delegate Task Invoke(object handler, object notification, WhatsAppNotificationContext context, CancellationToken cancellationToken);

    public async Task DispatchAsync(WhatsAppNotificationContext context, object notification, CancellationToken cancellationToken)
    {
        using var activity = WhatsAppTelemetry.StartReceive(context);
        var started = Stopwatch.GetTimestamp();
        Exception? failure = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scope = _scopes.CreateScope();
            try
            {
                var services = scope.ServiceProvider;
                foreach (var typed in HandlersByType.GetOrAdd(notification.GetType(), Typed))
                {
                    foreach (var handler in services.GetServices(typed.ServiceType))
                    {
                        if (handler is not null)
                        {
                            await typed.Invoke(handler, notification, context, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }

                if (context.Updates.Count > 0)
                {
                    var handlers = services.GetServices<IWhatsAppUpdateHandler>();
                    foreach (var update in context.Updates)
                    {
                        foreach (var handler in handlers)
                        {
                            await handler.HandleAsync(update, cancellationToken).ConfigureAwait(false);
                        }
                    }
                }
            }
            finally
            {
                await DisposeAsync(scope).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            failure = e;
            throw;
        }
        finally
        {
            // A handler's own cancellation (a timeout of its own) is a failure: only the caller's token cancels.
            var outcome = failure is null ? "handled"
                : failure is OperationCanceledException && cancellationToken.IsCancellationRequested ? "cancelled"
                : "handler_failed";
            WhatsAppTelemetry.Received(activity, context, outcome, failure, started);
        }
    }

    private static async ValueTask DisposeAsync(IServiceScope scope)
    {
        if (scope is IAsyncDisposable asyncScope)
        {
            await asyncScope.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            scope.Dispose();
        }
    }

    /// <summary>The handler service types a notification of <paramref name="type"/> goes to: its own, then its bases'.</summary>
    private static TypedHandlers[] Typed(Type type)
    {
        var result = new List<TypedHandlers>();
        for (var t = type; t is not null; t = t.BaseType)
        {
            var invoke = (Invoke)typeof(NotificationDispatcher)
                .GetMethod(nameof(InvokeTyped), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(t)
                .CreateDelegate(typeof(Invoke));
            result.Add(new TypedHandlers(typeof(IWhatsAppNotificationHandler<>).MakeGenericType(t), invoke));
        }

        return result.ToArray();
    }

    private static Task InvokeTyped<T>(object handler, object notification, WhatsAppNotificationContext context, CancellationToken cancellationToken) =>
        ((IWhatsAppNotificationHandler<T>)handler).HandleAsync((T)notification, context, cancellationToken);

    private sealed class TypedHandlers
    {
        public TypedHandlers(Type serviceType, Invoke invoke)
        {
            ServiceType = serviceType;
            Invoke = invoke;
        }

        public Type ServiceType { get; }

        public Invoke Invoke { get; }
    }
}
