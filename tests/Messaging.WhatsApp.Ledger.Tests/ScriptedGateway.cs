using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// GREEN-API's sendMessage in memory, as the senders' primary handler: it counts every request it gets (the body as
/// sent), answers each with what the test scripted (a success with the id <c>ID-&lt;n&gt;</c> by default), and can hold
/// an answer until the test releases it: a send in flight.
/// </summary>
internal sealed class ScriptedGateway : HttpMessageHandler
{
    private readonly ConcurrentQueue<JObject> _requests = new();
    private int _count;

    /// <summary>Every request body received, in order.</summary>
    public IReadOnlyList<JObject> Requests => [.. _requests];

    public int Count => Volatile.Read(ref _count);

    /// <summary>Answers request <c>n</c> (from 1); the default succeeds with <c>ID-n</c>.</summary>
    public Func<int, Task<HttpResponseMessage>> Answer { get; set; } = n => Task.FromResult(Success("ID-" + n));

    /// <summary>Set when a request arrives, before it is answered.</summary>
    public TaskCompletionSource Arrived { get; private set; } = NewSignal();

    public static HttpResponseMessage Success(string idMessage) => Json(200, $$"""{"idMessage":"{{idMessage}}"}""");

    public static HttpResponseMessage Json(int status, string body) =>
        new((HttpStatusCode)status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    /// <summary>Holds every answer until the returned source is completed.</summary>
    public TaskCompletionSource Hold()
    {
        var release = NewSignal();
        var answer = Answer;
        Answer = async n =>
        {
            await release.Task;
            return await answer(n);
        };
        return release;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = JObject.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
        _requests.Enqueue(body);
        var n = Interlocked.Increment(ref _count);
        Arrived.TrySetResult();
        var response = await Answer(n).WaitAsync(cancellationToken);
        response.RequestMessage = request;
        return response;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
