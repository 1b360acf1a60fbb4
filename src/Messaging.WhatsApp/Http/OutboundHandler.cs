using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// The last handler before the primary one, on every client the library sends with. It puts the credential
/// into the request just before it goes on the wire and takes it out again after (<see cref="RequestSecret"/>),
/// records the exchange as a span (<see cref="WhatsAppTelemetry"/>), and refuses an answer that came from
/// another URL than the one requested, which means a primary handler the app configured followed a redirect.
/// </summary>
internal sealed class OutboundHandler : DelegatingHandler
{
    private readonly RequestSecret? _secret;

    public OutboundHandler(HttpMessageHandler primary, RequestSecret? secret)
        : base(PrimaryHandlers.Harden(primary))
    {
        _secret = secret;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var visible = request.RequestUri;
        using var attempt = visible is null ? null : WhatsAppTelemetry.StartAttempt(request, visible);
        _secret?.Apply(request);
        var sent = request.RequestUri;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            RefuseRedirect(request, sent, response);
            WhatsAppTelemetry.Answered(attempt, (int)response.StatusCode);
            return response;
        }
        catch (Exception e)
        {
            WhatsAppTelemetry.Failed(attempt, e);
            throw;
        }
        finally
        {
            _secret?.Remove(request, visible);
        }
    }

    /// <summary>Throws (and disposes the answer) if the primary handler answered from another URL than it was sent to.</summary>
    private static void RefuseRedirect(HttpRequestMessage request, Uri? sent, HttpResponseMessage response)
    {
        if (request.RequestUri != sent)
        {
            response.Dispose();
            throw new HttpRequestException(
                "The primary HTTP handler followed a redirect, which the library never does: a POST must not be sent again " +
                "to another address. Configure the handler with AllowAutoRedirect = false.");
        }
    }
}
