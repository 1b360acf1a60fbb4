using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The phone instance is not ready (Maytapi W05 "Lib not loaded"; GREEN-API "instance in starting process" or "not authorized"): nothing was sent. Maytapi W05 is retried automatically.
/// </summary>
public sealed class WhatsAppInstanceNotReadyException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception)" />
    public WhatsAppInstanceNotReadyException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }

    /// <summary>True for Maytapi W05, which the provider documents as "nothing was sent".</summary>
    public override bool IsSafeToRetry => Provider == WhatsAppProvider.Maytapi && ProviderCode == "W05";
}
