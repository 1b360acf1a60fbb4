using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The gateway refused the credentials: a wrong or revoked key or token, an unknown phone or instance, or a host that does not serve it. Fix the configuration; retrying will not help.
/// </summary>
public sealed class WhatsAppAuthenticationException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception, bool)" />
    public WhatsAppAuthenticationException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}
