using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// An in-memory transport: drains the request body, as a socket would, and answers the provider's canned
/// success. What it costs is the same for every client measured.
/// </summary>
public sealed class CannedHandler : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken);
        }

        var body = request.RequestUri!.AbsolutePath.Contains("/waInstance", System.StringComparison.Ordinal) ? Wire.GreenApiSuccess : Wire.MaytapiSuccess;
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
    }
}
