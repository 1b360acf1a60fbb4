using System;
using System.Net;

namespace Messaging.WhatsApp;

/// <summary>What a gateway answered, with secrets already removed: the payload of a <see cref="WhatsAppException"/>.</summary>
/// <param name="Provider">The gateway.</param>
/// <param name="HttpStatus">The HTTP status, or null when no answer arrived.</param>
/// <param name="ProviderCode">The provider's error code, or null.</param>
/// <param name="ProviderMessage">The provider's error message, or null.</param>
/// <param name="ResponseBody">The response body, or null.</param>
public sealed record WhatsAppErrorDetails(
    WhatsAppProvider Provider,
    HttpStatusCode? HttpStatus = null,
    string? ProviderCode = null,
    string? ProviderMessage = null,
    string? ResponseBody = null)
{
    /// <summary>Describes the answer in one line, e.g. <c>Gateway, HTTP 429, code X1</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
    {
        var provider = Provider.DisplayName;
        var status = HttpStatus is { } s ? $", HTTP {(int)s}" : string.Empty;
        var code = ProviderCode is null ? string.Empty : $", code {ProviderCode}";
        return provider + status + code;
    }

    internal string Describe(string what) =>
        ProviderMessage is { Length: > 0 } m ? $"{what} ({this}): {m}" : $"{what} ({this}).";

    internal static string? Truncate(string? body) =>
        body is null ? null : body.Length <= 4096 ? body : body.Substring(0, 4096) + "…";
}
