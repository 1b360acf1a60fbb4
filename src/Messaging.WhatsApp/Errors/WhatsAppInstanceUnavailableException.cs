using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The sender refused a send at once, before anything reached the gateway, because its instance was known to be
/// unable to send (logged out, restricted, blocked or disabled) and the sender's
/// <see cref="WhatsAppSenderOptions.FailFastWhenUnableToSend"/> is on. Nothing was sent, so
/// <see cref="WhatsAppException.IsSafeToRetry"/> is true: send it again once the instance works, or through another
/// instance. <see cref="Status"/> says what was known, and since when.
/// </summary>
public sealed class WhatsAppInstanceUnavailableException : WhatsAppException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened, free of secrets.</param>
    /// <param name="details">The provider (no answer: the gateway was not asked).</param>
    /// <param name="status">The instance's known state that refused the send.</param>
    public WhatsAppInstanceUnavailableException(string message, WhatsAppErrorDetails details, WhatsAppInstanceStatus status)
        : base(message, details, innerException: null, isSafeToRetry: true)
    {
        Guard.NotNull(status);
        Status = status;
    }

    /// <summary>The instance's known state that refused the send.</summary>
    public WhatsAppInstanceStatus Status { get; }
}
