using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The CLI's handler of the updates the webhook endpoints or the poller dispatch: prints them on stdout as
/// <see cref="UpdateLine"/>s, one line at a time. It prints every update (<c>listen</c>), or only those of one
/// message (<c>--wait</c>): those are held until the send has returned the message's id, and the first that
/// reaches a final status ends the wait. A line is written before the handler returns, so that a notification is
/// acknowledged to the gateway only once it is printed.
/// </summary>
internal sealed class UpdateWatch
{
    private readonly TextWriter _stdout;
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<WhatsAppUpdate> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The updates received before the watched message's id was known, or null when printing everything.</summary>
    private readonly List<WhatsAppUpdate>? _held;

    private string? _messageId;
    private WhatsAppUpdate? _last;

    private UpdateWatch(TextWriter stdout, bool oneMessage)
    {
        _stdout = stdout;
        _held = oneMessage ? [] : null;
    }

    /// <summary>The update of the watched message that ended the wait (<see cref="EndsWait"/>).</summary>
    public Task<WhatsAppUpdate> Ended => _ended.Task;

    /// <summary>The last update printed for the watched message, or null.</summary>
    public WhatsAppUpdate? Last
    {
        get
        {
            lock (_gate)
            {
                return _last;
            }
        }
    }

    /// <summary>A watch that prints every update.</summary>
    /// <param name="stdout">Where the lines go.</param>
    /// <returns>The watch.</returns>
    public static UpdateWatch Everything(TextWriter stdout) => new(stdout, oneMessage: false);

    /// <summary>A watch that prints the updates of the message named later by <see cref="Watch"/>.</summary>
    /// <param name="stdout">Where the lines go.</param>
    /// <returns>The watch.</returns>
    public static UpdateWatch OneMessage(TextWriter stdout) => new(stdout, oneMessage: true);

    /// <summary>
    /// Whether an update with <paramref name="status"/> ends a wait: delivered, read or played (a success), or
    /// failed or deleted (<see cref="WhatsAppMessageStatusExtensions.IsFinal"/>). Queued, sent and unknown do not.
    /// </summary>
    /// <param name="status">The status.</param>
    /// <returns>Whether nothing more is awaited.</returns>
    public static bool EndsWait(WhatsAppMessageStatus status) =>
        status.IsFinal() || status.IsAfter(WhatsAppMessageStatus.Sent);

    /// <summary>Registers this watch as an update handler.</summary>
    /// <param name="services">The services of the host that receives.</param>
    public void AddTo(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddWhatsAppUpdateHandler<Handler>();
    }

    /// <summary>Names the message to print the updates of, printing those already received.</summary>
    /// <param name="messageId">The id the send returned.</param>
    public void Watch(string messageId)
    {
        lock (_gate)
        {
            _messageId = messageId;
            foreach (var update in _held ?? [])
            {
                PrintIfWatched(update);
            }

            _held?.Clear();
        }
    }

    private void Receive(WhatsAppUpdate update)
    {
        lock (_gate)
        {
            if (_held is null)
            {
                Print(update);
            }
            else if (_messageId is null)
            {
                _held.Add(update);
            }
            else
            {
                PrintIfWatched(update);
            }
        }
    }

    private void PrintIfWatched(WhatsAppUpdate update)
    {
        if (string.Equals(update.MessageId, _messageId, StringComparison.Ordinal))
        {
            Print(update);
            _last = update;
            if (EndsWait(update.Status))
            {
                _ended.TrySetResult(update);
            }
        }
    }

    private void Print(WhatsAppUpdate update)
    {
        _stdout.WriteLine(UpdateLine.Format(update));
        _stdout.Flush();
    }

    /// <summary>The handler the dispatcher resolves (one per notification), handing each update to the watch.</summary>
    private sealed class Handler(UpdateWatch watch) : IWhatsAppUpdateHandler
    {
        public Task HandleAsync(WhatsAppUpdate update, CancellationToken cancellationToken)
        {
            watch.Receive(update);
            return Task.CompletedTask;
        }
    }
}
