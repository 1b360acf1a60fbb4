using System;
using System.Buffers;
using System.Diagnostics;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Messaging.WhatsApp.AspNetCore;

/// <summary>
/// One receiver's endpoint: authenticates before reading anything, reads at most
/// <see cref="WebhookReceiver.MaxBodyBytes"/>, then leaves reading and dispatching to the receiver and turns its
/// outcome into the status code the gateways understand.
/// </summary>
internal sealed class WebhookEndpoint
{
    /// <summary>The tags that can hold a request's query: OpenTelemetry's current and former names.</summary>
    private static readonly string[] UrlTags = ["url.query", "url.full", "http.target", "http.url"];

    /// <summary>The secret parameter's value, in any case and encoding of its name.</summary>
    private static readonly Regex SecretParameter = new(
        "((?:^|[?&;])(?:s|%73|%53)(?:e|%65|%45)(?:c|%63|%43)(?:r|%72|%52)(?:e|%65|%45)(?:t|%74|%54)=)[^&;#]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private readonly WebhookReceiver _receiver;

    public WebhookEndpoint(WebhookReceiver receiver) => _receiver = receiver;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? presented;
        if (_receiver.CredentialPlace == WebhookCredentialPlace.QueryParameter)
        {
            presented = request.Query.TryGetValue(WebhookCredential.QueryParameterName, out var values) && values.Count == 1 ? values.ToString() : null;
            HideSecretInTrace(_receiver.Secret);
        }
        else
        {
            presented = request.Headers.Authorization.Count == 1 ? request.Headers.Authorization.ToString() : null;
        }

        if (!_receiver.Authenticate(presented))
        {
            Unauthorized(context);
            return;
        }

        if (request.ContentLength > WebhookReceiver.MaxBodyBytes)
        {
            _receiver.Refused("too_large");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        byte[]? body;
        try
        {
            body = await ReadAsync(request.Body, context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e)
        {
            // The body's framing is broken (a bad chunk, fewer bytes than Content-Length) or it arrives slower
            // than Kestrel's MinRequestBodyDataRate: Kestrel's own answer (400, or 408), nothing dispatched.
            _receiver.Refused("incomplete");
            context.Response.StatusCode = e.StatusCode;
            return;
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away mid-body: nobody is left to answer.
            _receiver.Refused("incomplete");
            return;
        }

        if (body is null)
        {
            _receiver.Refused("too_large");
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var outcome = await _receiver.ReceiveAsync(body, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = outcome switch
        {
            WebhookOutcome.Handled => StatusCodes.Status200OK,
            WebhookOutcome.Malformed => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status500InternalServerError,
        };
    }

    /// <summary>
    /// Any method but POST on the path: 405, with the secret taken out of the request's trace first (a browser or
    /// a gateway's URL check may GET the URL it was given).
    /// </summary>
    public Task MethodNotAllowedAsync(HttpContext context)
    {
        if (_receiver.CredentialPlace == WebhookCredentialPlace.QueryParameter)
        {
            HideSecretInTrace(_receiver.Secret);
        }

        context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
        context.Response.Headers[HeaderNames.Allow] = HttpMethods.Post;
        return Task.CompletedTask;
    }

    private void Unauthorized(HttpContext context)
    {
        _receiver.Refused("unauthorized");
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        if (_receiver.CredentialPlace == WebhookCredentialPlace.AuthorizationHeader)
        {
            context.Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        }
    }

    /// <summary>
    /// The request's trace (ASP.NET Core's activity, with the URL tags that instrumentation such as
    /// OpenTelemetry's adds) gets the query with the secret parameter's value replaced, whatever it was; a tag
    /// that still holds the secret after that (under another name, percent-encoded, once or more) is replaced
    /// whole.
    /// </summary>
    private static void HideSecretInTrace(string secret)
    {
        if (Activity.Current is { } activity)
        {
            foreach (var tag in UrlTags)
            {
                if (activity.GetTagItem(tag) is string value)
                {
                    var hidden = SecretParameter.Replace(value, "${1}" + RequestSecret.Placeholder);
                    if (secret.Length > 0 && Decoded(hidden).IndexOf(secret, StringComparison.Ordinal) >= 0)
                    {
                        hidden = RequestSecret.Placeholder;
                    }

                    if (!string.Equals(hidden, value, StringComparison.Ordinal))
                    {
                        activity.SetTag(tag, hidden);
                    }
                }
            }
        }
    }

    /// <summary><paramref name="value"/> percent-decoded until nothing changes (at most three times).</summary>
    private static string Decoded(string value)
    {
        for (var i = 0; i < 3 && value.IndexOf('%') >= 0; i++)
        {
            var decoded = Uri.UnescapeDataString(value);
            if (string.Equals(decoded, value, StringComparison.Ordinal))
            {
                break;
            }

            value = decoded;
        }

        return value;
    }


    /// <summary>The whole body, or null when it is longer than the limit.</summary>
    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length > WebhookReceiver.MaxBodyBytes)
                    {
                        return null;
                    }

                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, WebhookReceiver.MaxBodyBytes + 1));
                    Buffer.BlockCopy(buffer, 0, larger, 0, length);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > WebhookReceiver.MaxBodyBytes)
                {
                    return null;
                }
            }

            return buffer.AsSpan(0, length).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
