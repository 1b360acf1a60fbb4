using System;
using System.Net;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// The one table that decides what a Maytapi answer other than a success becomes. Maytapi answers most
/// failures with HTTP 200 and <c>success:false</c>, so the body decides first and the status second.
/// </summary>
/// <remarks>
/// | answer | becomes |
/// |---|---|
/// | 200, <c>success:true</c> with a <c>msgId</c> | success (not here) |
/// | <c>code</c> W05 ("Lib not loaded"), any status | <see cref="WhatsAppInstanceNotReadyException"/> (retried) |
/// | 401, 403, or 200 with <c>{"code":401,...}</c> | <see cref="WhatsAppAuthenticationException"/> |
/// | 400 | <see cref="WhatsAppRequestRejectedException"/> |
/// | 429 | <see cref="WhatsAppRateLimitedException"/> (retried) |
/// | 5xx | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 200 with <c>success:true</c> but no <c>msgId</c>, or a body that is not the envelope | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 200 with <c>success:false</c> otherwise (e.g. the duplicate filter) | <see cref="WhatsAppException"/> |
/// | any other status | <see cref="WhatsAppException"/> |
/// <para>Nothing in the map throws, whatever the body: fields are read defensively.</para>
/// <para>The generated exception is not kept as the inner exception: its parse errors can quote response
/// values. Everything it knew is in the details.</para>
/// </remarks>
internal static class MaytapiErrorMap
{
    public const string InstanceNotReadyCode = "W05";

    public static WhatsAppException Map(MaytapiApiException exception, SecretRedactor redactor, TimeProvider time)
    {
        var envelope = (exception as MaytapiApiException<SendMessageResponse>)?.Result;
        return Map(exception.StatusCode, envelope, exception.Response, redactor, ResponseHeaders.RetryAfter(exception.Headers, time));
    }

    public static WhatsAppException Map(int status, SendMessageResponse? envelope, string? rawBody, SecretRedactor redactor, TimeSpan? retryAfter = null)
    {
        var body = redactor.RedactOrNull(rawBody);
        var json = envelope is null ? ErrorBody.TryParseObject(body) : null;
        var code = envelope?.Code ?? ErrorBody.Text(json?["code"]);
        var details = new WhatsAppErrorDetails(
            WhatsAppProvider.Maytapi,
            (HttpStatusCode)status,
            code,
            redactor.RedactOrNull(envelope?.Message ?? ErrorBody.Text(json?["message"]) ?? ErrorBody.Text(json?["description"])),
            WhatsAppErrorDetails.Truncate(body));

        return (status, code, envelope) switch
        {
            (_, InstanceNotReadyCode, _) => new WhatsAppInstanceNotReadyException(
                details.Describe("The Maytapi phone is not ready (W05); nothing was sent"), details),
            (401 or 403, _, _) or (200, "401", _) => new WhatsAppAuthenticationException(
                details.Describe("Maytapi refused the key, product or phone"), details),
            (400, _, _) => new WhatsAppRequestRejectedException(
                details.Describe("Maytapi refused the request; nothing was sent"), details),
            (429, _, _) => new WhatsAppRateLimitedException(
                details.Describe("Maytapi's rate limit was exceeded; nothing was sent"), details, retryAfter),
            ( >= 500, _, _) => new WhatsAppOutcomeUnknownException(
                details.Describe("Maytapi failed while handling the request; the message may have been sent"), details),
            ( >= 200 and < 300, _, null) or ( >= 200 and < 300, _, { Success: true }) => new WhatsAppOutcomeUnknownException(
                details.Describe("Maytapi answered without a message id; the message may have been queued"), details),
            _ => new WhatsAppException(details.Describe("Maytapi did not accept the message"), details),
        };
    }
}
