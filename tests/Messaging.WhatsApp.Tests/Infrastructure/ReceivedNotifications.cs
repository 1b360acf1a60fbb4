using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>One call of a notification handler: which handler (its notification type), what it got, and when.</summary>
/// <param name="HandlerType">The <c>TNotification</c> of the <see cref="IWhatsAppNotificationHandler{TNotification}"/> called.</param>
/// <param name="Notification">The notification passed.</param>
/// <param name="Context">The context passed.</param>
/// <param name="Sequence">The order of the call among every handler call of the run.</param>
public sealed record NotificationCall(Type HandlerType, object Notification, WhatsAppNotificationContext Context, int Sequence);

/// <summary>One call of the update handler.</summary>
/// <param name="Update">The update passed.</param>
/// <param name="Sequence">The order of the call among every handler call of the run.</param>
public sealed record UpdateCall(WhatsAppUpdate Update, int Sequence);

/// <summary>
/// What the app's handlers received: an <see cref="IWhatsAppUpdateHandler"/> and an
/// <see cref="IWhatsAppNotificationHandler{TNotification}"/> for every notification model of both packages and
/// for <see cref="object"/>, each recording its calls. Tests can make the handlers fail or wait.
/// </summary>
public sealed class ReceivedNotifications
{
    /// <summary>Every notification type a handler is registered for: both packages' models and object.</summary>
    public static readonly IReadOnlyList<Type> HandledTypes =
    [
        typeof(object),
        typeof(GreenApiNotification),
        typeof(GreenApiOutgoingMessageStatusNotification),
        typeof(GreenApiOutgoingApiMessageNotification),
        typeof(GreenApiStateInstanceChangedNotification),
        typeof(GreenApiQuotaExceededNotification),
        typeof(MaytapiNotification),
        typeof(MaytapiAckNotification),
        typeof(MaytapiErrorNotification),
        typeof(MaytapiStatusNotification),
    ];

    private readonly ConcurrentQueue<NotificationCall> _notifications = new();
    private readonly ConcurrentQueue<UpdateCall> _updates = new();
    private int _sequence;

    public IReadOnlyList<NotificationCall> Notifications => _notifications.ToList();

    public IReadOnlyList<UpdateCall> UpdateCalls => _updates.ToList();

    public IReadOnlyList<WhatsAppUpdate> Updates => _updates.Select(u => u.Update).ToList();

    /// <summary>Run by the <c>object</c> notification handler before it records (e.g. to wait for cancellation).</summary>
    public Func<object, CancellationToken, Task>? OnNotification { get; set; }

    /// <summary>Run by the update handler before it records (e.g. to throw).</summary>
    public Func<WhatsAppUpdate, CancellationToken, Task>? OnUpdate { get; set; }

    /// <summary>The notifications the <c>object</c> handler received: one per dispatched notification.</summary>
    public IReadOnlyList<NotificationCall> Dispatched => Notifications.Where(n => n.HandlerType == typeof(object)).ToList();

    public void Clear()
    {
        _notifications.Clear();
        _updates.Clear();
        OnNotification = null;
        OnUpdate = null;
    }

    /// <summary>Registers this recorder and its handlers the way an app registers its own.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddWhatsAppUpdateHandler<RecordingUpdateHandler>();
        foreach (var type in HandledTypes)
        {
            typeof(ReceivedNotifications).GetMethod(nameof(AddNotificationHandler), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                .MakeGenericMethod(type)
                .Invoke(null, [services]);
        }
    }

    private static void AddNotificationHandler<T>(IServiceCollection services) =>
        services.AddWhatsAppNotificationHandler<T, RecordingNotificationHandler<T>>();

    private int Next() => Interlocked.Increment(ref _sequence);

    private sealed class RecordingUpdateHandler(ReceivedNotifications received) : IWhatsAppUpdateHandler
    {
        public async Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken)
        {
            if (received.OnUpdate is { } before)
            {
                await before(update, cancellationToken);
            }

            received._updates.Enqueue(new UpdateCall(update, received.Next()));
        }
    }

    private sealed class RecordingNotificationHandler<T>(ReceivedNotifications received) : IWhatsAppNotificationHandler<T>
    {
        public async Task HandleAsync(T notification, WhatsAppNotificationContext context, CancellationToken cancellationToken)
        {
            if (typeof(T) == typeof(object) && received.OnNotification is { } before)
            {
                await before(notification!, cancellationToken);
            }

            received._notifications.Enqueue(new NotificationCall(typeof(T), notification!, context, received.Next()));
        }
    }
}
