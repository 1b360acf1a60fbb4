using System;

namespace Messaging.WhatsApp;

/// <summary>
/// The gateway refused the credentials: a wrong or revoked Maytapi key or GREEN-API token, an unknown instance, or a host that does not serve the instance (HTTP 401/403). Fix the configuration; retrying will not help.
/// </summary>
public sealed class WhatsAppAuthenticationException : WhatsAppException
{
    /// <inheritdoc cref="WhatsAppException(string, WhatsAppErrorDetails, Exception)" />
    public WhatsAppAuthenticationException(string message, WhatsAppErrorDetails details, Exception? innerException = null)
        : base(message, details, innerException)
    {
    }
}
