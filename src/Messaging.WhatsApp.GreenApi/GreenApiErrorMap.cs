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
/// | 2xx whose body is exactly the spec's, with a non-empty string <c>idMessage</c> | success (not here) |
/// | 200 with exactly <c>{"code":401,...}</c> (as the spec describes it) | <see cref="WhatsAppAuthenticationException"/> |
/// | 2xx with anything else (no or empty <c>idMessage</c>, a body that is not exactly the spec's: wrong types,
/// other letter case, trailing content, not UTF-8, not JSON) | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 3xx (never followed) | <see cref="WhatsAppException"/> |
/// | 400 text "instance in starting process", "instance account not authorized" | <see cref="WhatsAppInstanceNotReadyException"/> |
/// | 400 text "instance account is expired", "instance is deleted" | <see cref="WhatsAppAuthenticationException"/> |
/// | 400 otherwise (validation JSON) | <see cref="WhatsAppRequestRejectedException"/> |
/// | 401, 403 | <see cref="WhatsAppAuthenticationException"/> |
/// | 429 | <see cref="WhatsAppRateLimitedException"/> (retried) |
/// | 466 | <see cref="WhatsAppQuotaExceededException"/> |
/// | 500 "request entity too large" | <see cref="WhatsAppRequestRejectedException"/> |
/// | 499, any other 5xx | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | any other status | <see cref="WhatsAppException"/> |
/// <para>Nothing in the map throws, whatever the body: fields are read defensively, and a body of an
/// unexpected shape falls back to what the status says.</para>
/// <para>The generated exception is not kept as the inner exception: its parse errors can quote response
/// values, and the token comes back in response bodies. Everything it knew is in the details.</para>
/// </remarks>
internal static class GreenApiErrorMap
{
    /// <summary>Plain-text 400 answers about the instance's state, which GREEN-API documents.</summary>
    private static readonly string[] NotReadyTexts = ["instance in starting process", "not authorized"];

    private static readonly string[] UnusableTexts = ["expired", "deleted"];

    /// <summary>A 2xx whose body parsed but carries no message id: <c>{"code":401}</c>, or nothing to trust.</summary>
    public static WhatsAppException MapAnswerWithoutId(GreenApiSendMessageResponse answer, SecretRedactor redactor)
    {
        var details = new WhatsAppErrorDetails(
            GreenApiOptions.Provider,
            HttpStatusCode.OK,
            answer.Code?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            redactor.RedactOrNull(answer.Description));
        return answer.Code == 401
            ? new WhatsAppAuthenticationException(details.Describe("GREEN-API refused the token"), details)
            : new WhatsAppOutcomeUnknownException(
                details.Describe("GREEN-API answered success without a message id; the message may have been queued"), details);
    }

    /// <summary>
    /// What a failed call becomes. For a send (<paramref name="readMethod"/> null) an answer that may mean the
    /// message was queued (an unreadable success, a server error) is <see cref="WhatsAppOutcomeUnknownException"/>.
    /// For a method that changes nothing (<paramref name="readMethod"/>: a lookup, receiveNotification,
    /// deleteNotification) nothing can have been sent, so those are a plain <see cref="WhatsAppException"/>: asking
    /// again is safe.
    /// </summary>
    public static WhatsAppException Map(GreenApiException exception, SecretRedactor redactor, TimeProvider time, string? readMethod = null)
    {
        var (status, details, body, plainText) = Read(exception, redactor);
        var send = readMethod is null;
        var nothingSent = send ? "; nothing was sent" : string.Empty;
        return status switch
        {
            >= 200 and < 300 when send => new WhatsAppOutcomeUnknownException(
                details.Describe("GREEN-API answered success with a body that does not match the spec; the message may have been queued"), details),
            >= 200 and < 300 => new WhatsAppException(
                details.Describe($"GREEN-API answered {readMethod} with a body that does not match the spec"), details),
            >= 300 and < 400 => new WhatsAppException(
                details.Describe(ResponseHeaders.DescribeRedirect("GREEN-API", exception.Headers, redactor)), details),
            400 when Mentions(plainText, UnusableTexts) => new WhatsAppAuthenticationException(
                details.Describe(send ? "The GREEN-API instance cannot send (expired or deleted); nothing was sent" : "The GREEN-API instance is expired or deleted"), details),
            400 when Mentions(plainText, NotReadyTexts) => new WhatsAppInstanceNotReadyException(
                details.Describe($"The GREEN-API instance is not ready{nothingSent}"), details),
            400 => new WhatsAppRequestRejectedException(
                details.Describe(send ? "GREEN-API refused the request as invalid; nothing was sent" : $"GREEN-API refused the {readMethod} request"), details),
            401 or 403 => new WhatsAppAuthenticationException(
                details.Describe("GREEN-API refused the credentials (wrong token, instance or host)"), details),
            // GREEN-API documents its 429 as "not acted on": safe to retry.
            429 => new WhatsAppRateLimitedException(
                details.Describe($"GREEN-API's rate limit{(send ? string.Empty : " for " + readMethod)} was exceeded{nothingSent}"), details, ResponseHeaders.RetryAfter(exception.Headers, time), isSafeToRetry: true),
            466 => new WhatsAppQuotaExceededException(
                details.Describe($"The GREEN-API monthly quota is used up{nothingSent}"), details),
            500 when send && Mentions(plainText ?? body, ["request entity too large"]) => new WhatsAppRequestRejectedException(
                details.Describe("GREEN-API refused the request as too large; nothing was sent"), details),
            499 or >= 500 when send => new WhatsAppOutcomeUnknownException(
                details.Describe("GREEN-API failed while handling the request; the message may have been sent"), details),
            _ when send => new WhatsAppException(details.Describe("GREEN-API did not accept the message"), details),
            _ => new WhatsAppException(details.Describe($"GREEN-API failed to answer {readMethod}; asking again is safe"), details),
        };
    }

    private static (int Status, WhatsAppErrorDetails Details, string? Body, string? PlainText) Read(GreenApiException exception, SecretRedactor redactor)
    {
        var status = exception.StatusCode;
        var body = redactor.RedactOrNull(exception.Response);
        var json = ErrorBody.TryParseObject(body);
        var plainText = json is null ? ErrorBody.PlainText(body) : null;
        var details = new WhatsAppErrorDetails(
            GreenApiOptions.Provider,
            (HttpStatusCode)status,
            ProviderMessage: redactor.RedactOrNull(ProviderMessage(exception, json, plainText)),
            ResponseBody: WhatsAppErrorDetails.Truncate(body));
        return (status, details, body, plainText);
    }

    private static bool Mentions(string? text, string[] phrases)
    {
        if (text is null)
        {
            return false;
        }

        foreach (var phrase in phrases)
        {
            if (text.IndexOf(phrase, StringComparison.OrdinalIgnoreCase) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    private static string? ProviderMessage(GreenApiException exception, JObject? json, string? plainText)
    {
        switch (exception)
        {
            case GreenApiException<ValidationError> { Result: { } validation }:
                return validation.Message;
            case GreenApiException<QuotaExceeded> { Result: { } quota }:
                var exceeded = quota.InvokeStatus?.Status?.IndexOf("EXCEEDED", StringComparison.Ordinal) >= 0
                    ? quota.InvokeStatus
                    : quota.CorrespondentsStatus ?? quota.InvokeStatus;
                return exceeded is null ? null : exceeded.Description ?? exceeded.Status;
        }

        return json is null ? plainText : ErrorBody.Text(json["message"]) ?? ErrorBody.Text(json["description"]);
    }
}
