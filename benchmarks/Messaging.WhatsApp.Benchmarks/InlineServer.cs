using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// A server without a transport: each request runs through the app's whole pipeline (hosting's HttpContext,
/// routing, the endpoint) on the caller's thread, from features built in memory. Unlike TestServer it has no
/// client side and does not hand each request to the thread pool, which on two cores makes a benchmark's
/// time depend on when a worker thread wakes up.
/// </summary>
public sealed class InlineServer : IServer
{
    private Func<IFeatureCollection, Task>? _process;

    public IFeatureCollection Features { get; } = new FeatureCollection();

    public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        _process = async features =>
        {
            var context = application.CreateContext(features);
            Exception? failure = null;
            try
            {
                await application.ProcessRequestAsync(context);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                application.DisposeContext(context, failure);
            }
        };
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
    }

    /// <summary>POSTs <paramref name="body"/> as JSON to <paramref name="path"/> (a query included) and returns the response's status code; its body is discarded.</summary>
    public async Task<int> PostAsync(string path, string? authorization, byte[] body)
    {
        var process = _process ?? throw new InvalidOperationException("The server is not started.");
        var query = path.IndexOf('?', StringComparison.Ordinal);
        var request = new HttpRequestFeature
        {
            Protocol = "HTTP/1.1",
            Scheme = "http",
            Method = HttpMethods.Post,
            Path = query < 0 ? path : path[..query],
            QueryString = query < 0 ? string.Empty : path[query..],
            Body = new MemoryStream(body, writable: false),
        };
        request.Headers.ContentType = "application/json";
        request.Headers.ContentLength = body.Length;
        if (authorization is not null)
        {
            request.Headers.Authorization = authorization;
        }

        var response = new HttpResponseFeature();
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(response);
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        await process(features);
        return response.StatusCode;
    }
}
