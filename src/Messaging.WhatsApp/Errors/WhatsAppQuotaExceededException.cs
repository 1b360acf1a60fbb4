using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The account's monthly quota is used up (GREEN-API HTTP 466): nothing was sent until the quota resets or the tariff changes.
/// </summary>
public sealed class WhatsAppQuotaExceededException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception)" />
    public WhatsAppQuotaExceededException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}
