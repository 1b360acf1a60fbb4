using System;
using System.Net.Http;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>
/// Replaces IHttpClientFactory's own request logging, which writes the full request path at Information
/// and so the GREEN-API token with it. Logs method, redacted URI, status and duration; never headers or
/// bodies.
/// </summary>
internal sealed partial class RedactingHttpClientLogger : IHttpClientLogger
{
    private readonly ILogger _logger;
    private readonly SecretRedactor _redactor;

    public RedactingHttpClientLogger(ILogger logger, SecretRedactor redactor)
    {
        _logger = logger;
        _redactor = redactor;
    }

    public object? LogRequestStart(HttpRequestMessage request)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var uri = Redact(request.RequestUri);
            LogStart(_logger, request.Method.Method, uri);
        }

        return null;
    }

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed)
    {
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var uri = Redact(request.RequestUri);
            LogStop(_logger, request.Method.Method, uri, (int)response.StatusCode, elapsed.TotalMilliseconds);
        }
    }

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed)
    {
        if (_logger.IsEnabled(LogLevel.Warning))
        {
            var uri = Redact(request.RequestUri);
            var reason = _redactor.Redact(exception.Message);
            LogFailed(_logger, request.Method.Method, uri, exception.GetType().Name, reason, elapsed.TotalMilliseconds);
        }
    }

    private string Redact(Uri? uri) => uri is null ? string.Empty : _redactor.Redact(uri.GetLeftPart(UriPartial.Path));

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Uri} started")]
    private static partial void LogStart(ILogger logger, string method, string uri);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Uri} answered {Status} in {ElapsedMs} ms")]
    private static partial void LogStop(ILogger logger, string method, string uri, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP {Method} {Uri} failed with {Error} after {ElapsedMs} ms: {Reason}")]
    private static partial void LogFailed(ILogger logger, string method, string uri, string error, string reason, double elapsedMs);
}
