using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp;

/// <summary>
/// Replaces IHttpClientFactory's own request logging, which writes the full request path at Information
/// and so any secret path segment with it. Logs method, redacted URI, status and duration; never headers or
/// bodies. When its category logs nothing at Warning or above, a send passes straight through.
/// </summary>
internal sealed partial class RedactingLoggingHandler : DelegatingHandler
{
    private readonly ILogger _logger;
    private readonly SecretRedactor _redactor;

    public RedactingLoggingHandler(ILogger logger, SecretRedactor redactor)
    {
        _logger = logger;
        _redactor = redactor;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _logger.IsEnabled(LogLevel.Warning)
            ? SendLoggedAsync(request, cancellationToken)
            : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendLoggedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var uri = request.RequestUri is null ? string.Empty : _redactor.Redact(request.RequestUri.GetLeftPart(UriPartial.Path));
        var method = request.Method.Method;
        var information = _logger.IsEnabled(LogLevel.Information);
        if (information)
        {
            LogStart(_logger, method, uri);
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (information)
            {
                var elapsedMs = ElapsedMs(started);
                LogStop(_logger, method, uri, (int)response.StatusCode, elapsedMs);
            }

            return response;
        }
        catch (Exception e)
        {
            var elapsedMs = ElapsedMs(started);
            var reason = _redactor.Redact(e.Message);
            LogFailed(_logger, method, uri, e.GetType().Name, reason, elapsedMs);
            throw;
        }
    }

    private static double ElapsedMs(long started) =>
        (Stopwatch.GetTimestamp() - started) * 1000.0 / Stopwatch.Frequency;

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Uri} started")]
    private static partial void LogStart(ILogger logger, string method, string uri);

    [LoggerMessage(Level = LogLevel.Information, Message = "HTTP {Method} {Uri} answered {Status} in {ElapsedMs} ms")]
    private static partial void LogStop(ILogger logger, string method, string uri, int status, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP {Method} {Uri} failed with {Error} after {ElapsedMs} ms: {Reason}")]
    private static partial void LogFailed(ILogger logger, string method, string uri, string error, string reason, double elapsedMs);
}
