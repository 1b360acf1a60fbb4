using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// Records every send of the senders in a service collection durably, before and after it goes out: the message
/// ledger of Messaging.WhatsApp.Ledger implements it (<c>AddWhatsAppLedger</c>). A sender asks it once per send, not
/// per attempt: <see cref="BeginAsync"/> before anything is sent, <see cref="EndAsync"/> once the send has ended.
/// </summary>
public interface IWhatsAppSendRecorder
{
    /// <summary>
    /// Records the intent of a send before anything is sent, or finds an earlier send with the same idempotency key.
    /// </summary>
    /// <param name="intent">The send.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Null to send; or the result of an earlier send with the same key and content, which the sender
    /// returns without sending anything (<see cref="SendResult.IsRepeat"/>).</returns>
    /// <exception cref="WhatsAppException">Nothing may be sent: the key was used for other content, an earlier send
    /// with the key failed or has an unknown outcome, is still in flight, or the record cannot be written. Nothing was
    /// sent.</exception>
    Task<SendResult?> BeginAsync(WhatsAppSendIntent intent, CancellationToken cancellationToken);

    /// <summary>
    /// Records how the send ended: <paramref name="result"/> when the gateway accepted it, otherwise
    /// <paramref name="failure"/> (a <see cref="WhatsAppException"/>, or the caller's cancellation). The sender does not
    /// wait on a failure here to decide anything: it is logged, and the send's own outcome stands.
    /// </summary>
    /// <param name="intent">The send, as <see cref="BeginAsync"/> got it.</param>
    /// <param name="result">The accepted send, or null.</param>
    /// <param name="failure">Why it was not accepted, or null.</param>
    /// <param name="cancellationToken">Not the send's token: the outcome is recorded also when the send was cancelled.</param>
    Task EndAsync(WhatsAppSendIntent intent, SendResult? result, Exception? failure, CancellationToken cancellationToken);
}
