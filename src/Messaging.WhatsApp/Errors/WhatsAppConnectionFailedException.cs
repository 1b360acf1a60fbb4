using System;

namespace Messaging.WhatsApp;

/// <summary>
/// No connection to the gateway could be made (name resolution, connect or TLS handshake failed), so the request was never written and nothing was sent. Retried automatically.
/// </summary>
public sealed class WhatsAppConnectionFailedException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception, bool)" />
    public WhatsAppConnectionFailedException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException, isSafeToRetry: true)
    {
    }
}
