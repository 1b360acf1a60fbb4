using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// What every provider's sender is: thread-safe, validating, rate-limited, retrying only what is safe, mapping
/// every failure to a typed <see cref="WhatsAppException"/>, and keeping its credential out of logs, traces
/// and errors. Each provider package derives its own sender from it; nothing else can.
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <typeparam name="TClient">The provider's generated client.</typeparam>
public abstract class WhatsAppSender<TOptions, TClient> : IWhatsAppSender, IDisposable
    where TOptions : WhatsAppSenderOptions
    where TClient : class
{
    private int _disposed;

    internal WhatsAppSender(SenderCore<TOptions, TClient> core) => Core = core;

    /// <inheritdoc />
    public WhatsAppProvider Provider => Core.Provider;

    internal SenderCore<TOptions, TClient> Core { get; }

    /// <summary>
    /// What is known of the instance's state now, without asking the gateway: learned by the instance state monitoring
    /// (<c>AddInstanceStateMonitoring</c>), the state notifications it receives, or the last <c>GetInstanceStateAsync</c>;
    /// not learned yet (<see cref="WhatsAppInstanceState.Unknown"/>, no <see cref="WhatsAppInstanceStatus.LearnedAt"/>)
    /// before any of them.
    /// </summary>
    public WhatsAppInstanceStatus InstanceStatus => Core.InstanceState.Current;

    /// <inheritdoc />
    public abstract Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default);

    /// <inheritdoc />
    public abstract Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo, SendOptions? options, CancellationToken cancellationToken = default);

    /// <summary>Names the sender and its options, never a credential.</summary>
    /// <returns>E.g. <c>GatewaySender(Gateway phone 12 …)</c>.</returns>
    public override string ToString() => $"{GetType().Name}({Core.Options})";

    /// <summary>Releases the rate limiter, and the HTTP client when the sender made it.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the sender holds.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Core.Dispose();
        }
    }
}
