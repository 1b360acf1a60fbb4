using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The gateway's phone or instance is not ready (still starting, or not logged in to WhatsApp): nothing was
/// sent. <see cref="WhatsAppException.IsSafeToRetry"/> is true where the provider documents that the request
/// was not acted on; the sender then retries it.
/// </summary>
public sealed class WhatsAppInstanceNotReadyException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception, bool)" />
    public WhatsAppInstanceNotReadyException(string message, WhatsAppErrorDetails details, Exception? innerException = null, bool isSafeToRetry = false)
        : base(message, details, innerException, isSafeToRetry)
    {
    }
}
