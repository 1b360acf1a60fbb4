using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The gateway refused the request as invalid: nothing was sent. Retrying the same request will not help.
/// </summary>
public sealed class WhatsAppRequestRejectedException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception, bool)" />
    public WhatsAppRequestRejectedException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}
