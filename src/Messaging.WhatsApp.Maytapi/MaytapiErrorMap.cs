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
/// | <c>code</c> W05 ("Lib not loaded") in an envelope that is exactly the spec's, any status | <see cref="WhatsAppInstanceNotReadyException"/> (retried) |
/// | 2xx with a body that is not exactly the spec's envelope | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 401, 403 | <see cref="WhatsAppAuthenticationException"/> |
/// | 400 | <see cref="WhatsAppRequestRejectedException"/> |
/// | 429 | <see cref="WhatsAppRateLimitedException"/> (retried) |
/// | 5xx | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 2xx with <c>success:true</c> but no non-empty string <c>msgId</c>, or a body that is not exactly the spec's
/// envelope (wrong types, other letter case, trailing content, not UTF-8, not JSON) | <see cref="WhatsAppOutcomeUnknownException"/> |
/// | 3xx (never followed) | <see cref="WhatsAppException"/> |
/// | 200 with <c>success:false</c> otherwise (e.g. the duplicate filter) | <see cref="WhatsAppException"/> |
/// | any other status | <see cref="WhatsAppException"/> |
/// <para>Nothing in the map throws, whatever the body: fields are read defensively.</para>
/// <para>The generated exception is not kept as the inner exception: its parse errors can quote response
/// values. Everything it knew is in the details.</para>
/// </remarks>
internal static class MaytapiErrorMap
{
    public const string InstanceNotReadyCode = "W05";

    public static WhatsAppException Map(MaytapiException exception, SecretRedactor redactor, TimeProvider time)
    {
        var envelope = (exception as MaytapiException<MaytapiSendMessageResponse>)?.Result;
        if (exception.StatusCode is >= 300 and < 400)
        {
            var body = redactor.RedactOrNull(exception.Response);
            var redirect = new WhatsAppErrorDetails(MaytapiOptions.Provider, (HttpStatusCode)exception.StatusCode, ResponseBody: WhatsAppErrorDetails.Truncate(body));
            return new WhatsAppException(redirect.Describe(ResponseHeaders.DescribeRedirect("Maytapi", exception.Headers, redactor)), redirect);
        }

        return Map(exception.StatusCode, envelope, exception.Response, redactor, ResponseHeaders.RetryAfter(exception.Headers, time));
    }

    /// <summary>
    /// What a failed read (listPhones) becomes. Nothing can have been sent, so nothing is an unknown outcome: 401 and 403
    /// are <see cref="WhatsAppAuthenticationException"/>, 429 <see cref="WhatsAppRateLimitedException"/>, W05
    /// <see cref="WhatsAppInstanceNotReadyException"/>, and anything else (a failure envelope with HTTP 200, a body that
    /// is not the spec's, a server error) a plain <see cref="WhatsAppException"/> whose message says asking again is safe.
    /// </summary>
    public static WhatsAppException MapRead(MaytapiException exception, string method, SecretRedactor redactor, TimeProvider time)
    {
        var body = redactor.RedactOrNull(exception.Response);
        var json = ErrorBody.TryParseObject(body);
        var code = ErrorBody.Text(json?["code"]);
        var message = redactor.RedactOrNull(ErrorBody.Text(json?["message"]));
        var details = new WhatsAppErrorDetails(MaytapiOptions.Provider, (HttpStatusCode)exception.StatusCode, code, message, WhatsAppErrorDetails.Truncate(body));
        var refused = json?["success"] is { Type: Newtonsoft.Json.Linq.JTokenType.Boolean } success && !(bool)success;
        return (exception.StatusCode, code) switch
        {
            (_, InstanceNotReadyCode) => new WhatsAppInstanceNotReadyException(details.Describe($"The Maytapi phone is not ready (W05) to answer {method}"), details, isSafeToRetry: true),
            (401 or 403, _) => new WhatsAppAuthenticationException(details.Describe("Maytapi refused the key, product or phone"), details),
            (429, _) => new WhatsAppRateLimitedException(details.Describe($"Maytapi refused {method} as too many"), details, ResponseHeaders.RetryAfter(exception.Headers, time)),
            ( >= 200 and < 300, _) when refused => new WhatsAppException(details.Describe($"Maytapi refused {method}; asking again is safe"), details),
            ( >= 200 and < 300, _) => new WhatsAppException(details.Describe($"Maytapi answered {method} with a body that does not match the spec; asking again is safe"), details),
            _ => new WhatsAppException(details.Describe($"Maytapi failed to answer {method}; asking again is safe"), details),
        };
    }

    /// <summary>A read that got no answer (no connection, a connection cut, the sender's Timeout), as a typed error.</summary>
    public static WhatsAppException Unreached(Exception e, string method, System.Threading.CancellationToken cancellationToken)
    {
        if (SendPipeline.MapFailure(MaytapiOptions.Provider, e, cancellationToken) is WhatsAppConnectionFailedException connect)
        {
            return connect;
        }

        var details = new WhatsAppErrorDetails(MaytapiOptions.Provider);
        return new WhatsAppException(
            details.Describe(e is OperationCanceledException
                ? $"No answer to {method} within the configured Timeout; asking again is safe"
                : $"The connection failed during {method}; asking again is safe"),
            details,
            e,
            isSafeToRetry: true);
    }

    public static WhatsAppException Map(int status, MaytapiSendMessageResponse? envelope, string? rawBody, SecretRedactor redactor, TimeSpan? retryAfter = null)
    {
        var body = redactor.RedactOrNull(rawBody);

        // Only an envelope that parsed exactly as the spec says decides anything: W05 is retried, and a 2xx
        // whose body is not the envelope may still have been queued. A body of another shape still lends
        // its code and message to the error's details, and its 401 to the status rules below.
        var json = envelope is null ? ErrorBody.TryParseObject(body) : null;
        var code = envelope?.Code ?? ErrorBody.Text(json?["code"]);
        var details = new WhatsAppErrorDetails(
            MaytapiOptions.Provider,
            (HttpStatusCode)status,
            code,
            redactor.RedactOrNull(envelope?.Message ?? ErrorBody.Text(json?["message"]) ?? ErrorBody.Text(json?["description"])),
            WhatsAppErrorDetails.Truncate(body));

        return (status, code, envelope) switch
        {
            // Maytapi documents W05 as "nothing was sent": safe to retry.
            (_, InstanceNotReadyCode, { }) => new WhatsAppInstanceNotReadyException(
                details.Describe("The Maytapi phone is not ready (W05); nothing was sent"), details, isSafeToRetry: true),
            ( >= 200 and < 300, _, null) => new WhatsAppOutcomeUnknownException(
                details.Describe("Maytapi answered success with a body that does not match the spec; the message may have been queued"), details),
            (401 or 403, _, _) => new WhatsAppAuthenticationException(
                details.Describe("Maytapi refused the key, product or phone"), details),
            (400, _, _) => new WhatsAppRequestRejectedException(
                details.Describe("Maytapi refused the request; nothing was sent"), details),
            // Maytapi documents no rate limit, so nothing says its 429 was not acted on: not retried.
            (429, _, _) => new WhatsAppRateLimitedException(
                details.Describe("Maytapi refused the request as too many"), details, retryAfter),
            ( >= 500, _, _) => new WhatsAppOutcomeUnknownException(
                details.Describe("Maytapi failed while handling the request; the message may have been sent"), details),
            ( >= 200 and < 300, _, { Success: true }) => new WhatsAppOutcomeUnknownException(
                details.Describe("Maytapi answered without a message id; the message may have been queued"), details),
            _ => new WhatsAppException(details.Describe("Maytapi did not accept the message"), details),
        };
    }
}
