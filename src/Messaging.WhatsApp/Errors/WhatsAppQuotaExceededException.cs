using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The account's quota is used up: nothing was sent until the quota resets or the plan changes.
/// </summary>
public sealed class WhatsAppQuotaExceededException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception, bool)" />
    public WhatsAppQuotaExceededException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}
