using System;
using System.Net;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// The one table that decides what a GREEN-API answer other than a success becomes. Read it to know what
/// a 401 turns into.
/// </summary>
/// <remarks>
/// | answer | becomes |
/// |---|---|
/// | 200 with a non-empty <c>idMessage</c> | success (not here) |
/// | 200 with <c>{"code":401,...}</c> | <see cref="WhatsAppAuthenticationException"/> |
/// | 200 with anything else (no or empty <c>idMessage</c>, unreadable body) | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 400 text "instance in starting process" / "not authorized" | <see cref="WhatsAppInstanceNotReadyException"/> |
/// | 400 otherwise (validation JSON) | <see cref="WhatsAppRequestRejectedException"/> |
/// | 401, 403 | <see cref="WhatsAppAuthenticationException"/> |
/// | 429 | <see cref="WhatsAppRateLimitedException"/> (retried) |
/// | 466 | <see cref="WhatsAppQuotaExceededException"/> |
/// | 500 "request entity too large" | <see cref="WhatsAppRequestRejectedException"/> |
/// | 499, any other 5xx | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | any other status | <see cref="WhatsAppException"/> |
/// <para>The generated exception is not kept as the inner exception: its parse errors can quote response
/// values, and the token comes back in response bodies. Everything it knew is in the details.</para>
/// </remarks>
internal static class GreenApiErrorMap
{
    public static WhatsAppException Map(GreenApiApiException exception, SecretRedactor redactor, TimeProvider time)
    {
        var status = exception.StatusCode;
        var body = redactor.RedactOrNull(exception.Response);
        var json = TryParseObject(body);
        var message = redactor.RedactOrNull(ProviderMessage(exception, json, body));
        var details = new WhatsAppErrorDetails(
            WhatsAppProvider.GreenApi,
            (HttpStatusCode)status,
            ProviderMessage: message,
            ResponseBody: WhatsAppErrorDetails.Truncate(body));

        return status switch
        {
            200 when (int?)json?["code"] == 401 => new WhatsAppAuthenticationException(
                details.Describe("GREEN-API refused the token"), details),
            >= 200 and < 300 => new WhatsAppOutcomeUnknownException(
                details.Describe("GREEN-API answered success without a message id; the message may have been queued"), details),
            400 when IsInstanceNotReady(body) => new WhatsAppInstanceNotReadyException(
                details.Describe("The GREEN-API instance is not ready; nothing was sent"), details),
            400 => new WhatsAppRequestRejectedException(
                details.Describe("GREEN-API refused the request as invalid; nothing was sent"), details),
            401 or 403 => new WhatsAppAuthenticationException(
                details.Describe("GREEN-API refused the credentials (wrong token, instance or host)"), details),
            429 => new WhatsAppRateLimitedException(
                details.Describe("GREEN-API's rate limit was exceeded; nothing was sent"), details, ResponseHeaders.RetryAfter(exception.Headers, time)),
            466 => new WhatsAppQuotaExceededException(
                details.Describe("The GREEN-API monthly quota is used up; nothing was sent"), details),
            500 when body is not null && body.IndexOf("request entity too large", StringComparison.OrdinalIgnoreCase) >= 0 => new WhatsAppRequestRejectedException(
                details.Describe("GREEN-API refused the request as too large; nothing was sent"), details),
            499 or >= 500 => new WhatsAppOutcomeUnknownException(
                details.Describe("GREEN-API failed while handling the request; the message may have been sent"), details),
            _ => new WhatsAppException(details.Describe("GREEN-API did not accept the message"), details),
        };
    }

    private static bool IsInstanceNotReady(string? body) =>
        body is not null
        && (body.IndexOf("starting process", StringComparison.OrdinalIgnoreCase) >= 0
            || body.IndexOf("not authorized", StringComparison.OrdinalIgnoreCase) >= 0);

    private static string? ProviderMessage(GreenApiApiException exception, JObject? json, string? body)
    {
        switch (exception)
        {
            case GreenApiApiException<ValidationError> { Result: { } validation }:
                return validation.Message;
            case GreenApiApiException<QuotaExceeded> { Result: { } quota }:
                var exceeded = quota.InvokeStatus?.Status?.IndexOf("EXCEEDED", StringComparison.Ordinal) >= 0 == true
                    ? quota.InvokeStatus
                    : quota.CorrespondentsStatus ?? quota.InvokeStatus;
                return exceeded is null ? null : exceeded.Description ?? exceeded.Status;
        }

        if (json is not null)
        {
            return (string?)json["message"] ?? (string?)json["description"];
        }

        // Plain text is the message itself; an HTML page is not worth repeating.
        return body is { Length: > 0 and <= 500 } && !body.TrimStart().StartsWith("<", StringComparison.Ordinal) ? body.Trim() : null;
    }

    private static JObject? TryParseObject(string? body)
    {
        if (body is null || !body.TrimStart().StartsWith("{", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return JObject.Parse(body);
        }
        catch (Newtonsoft.Json.JsonException)
        {
            return null;
        }
    }
}
