using System;
using System.Net;

namespace Messaging.WhatsApp;

/// <summary>
/// The gateway did not accept a message. Carries the provider, the HTTP status, the provider's own error
/// code and message, and the response body with secrets removed. Subclasses exist only where a caller acts
/// differently; anything else is this type.
/// </summary>
public class WhatsAppException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What happened, free of secrets.</param>
    /// <param name="details">The provider's answer.</param>
    /// <param name="innerException">The exception that caused this one, or null.</param>
    /// <param name="isSafeToRetry">Whether the provider certainly did not act (see <see cref="IsSafeToRetry"/>);
    /// the provider's error map decides.</param>
    public WhatsAppException(string message, WhatsAppErrorDetails details, Exception? innerException = null, bool isSafeToRetry = false)
        : base(message, innerException)
    {
        Guard.NotNull(details);
        IsSafeToRetry = isSafeToRetry;
        Provider = details.Provider;
        HttpStatus = details.HttpStatus;
        ProviderCode = details.ProviderCode;
        ProviderMessage = details.ProviderMessage;
        ResponseBody = details.ResponseBody;
    }

    /// <summary>The gateway that answered.</summary>
    public WhatsAppProvider Provider { get; }

    /// <summary>The HTTP status of the answer, or null when no answer arrived.</summary>
    public HttpStatusCode? HttpStatus { get; }

    /// <summary>The provider's own error code (for example a short code from the body), or null.</summary>
    public string? ProviderCode { get; }

    /// <summary>The provider's own error message, with secrets removed, or null.</summary>
    public string? ProviderMessage { get; }

    /// <summary>The response body with secrets removed (at most 4,096 characters), or null.</summary>
    public string? ResponseBody { get; }

    /// <summary>
    /// True when the provider certainly did not act on the request, so sending it again cannot duplicate
    /// the message. The sender retries these itself when retries are on. The provider's error map decides,
    /// from what the provider documents.
    /// </summary>
    public bool IsSafeToRetry { get; }
}
