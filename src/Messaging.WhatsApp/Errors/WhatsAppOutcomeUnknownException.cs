using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The message may or may not have been sent: a timeout after the request was written, a server error, a connection dropped mid-response, or an answer that could not be trusted. It is never retried automatically, because a resend can duplicate the message; check the chat, the provider's journal or its notifications before sending again.
/// </summary>
public sealed class WhatsAppOutcomeUnknownException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception, bool)" />
    public WhatsAppOutcomeUnknownException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}
