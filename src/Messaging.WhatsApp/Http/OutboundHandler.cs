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

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // A span is scoped to an async method of its own, so that it is current only below this handler.
        if (WhatsAppTelemetry.Source.HasListeners())
        {
            return SendObservedAsync(request, cancellationToken);
        }

        var visible = request.RequestUri;
        Uri? sent;
        Task<HttpResponseMessage> sending;
        try
        {
            _secret?.Apply(request);
            sent = request.RequestUri;
            sending = base.SendAsync(request, cancellationToken);
        }
        catch (Exception e)
        {
            sent = request.RequestUri;
            sending = Task.FromException<HttpResponseMessage>(e);
        }

        if (sending.Status != TaskStatus.RanToCompletion)
        {
            return FinishAsync(request, visible, sent, sending);
        }

        // Answered at once (an in-memory handler, a cache): finished here, without a state machine.
        try
        {
            RefuseRedirect(request, sent, sending.Result);
        }
        catch (Exception e)
        {
            return Task.FromException<HttpResponseMessage>(e);
        }
        finally
        {
            _secret?.Remove(request, visible);
        }

        return sending;
    }

    private async Task<HttpResponseMessage> FinishAsync(HttpRequestMessage request, Uri? visible, Uri? sent, Task<HttpResponseMessage> sending)
    {
        try
        {
            var response = await sending.ConfigureAwait(false);
            RefuseRedirect(request, sent, response);
            return response;
        }
        finally
        {
            _secret?.Remove(request, visible);
        }
    }

    private async Task<HttpResponseMessage> SendObservedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
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
