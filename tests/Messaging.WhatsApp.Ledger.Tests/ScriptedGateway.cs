using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// GREEN-API in memory, as the senders' primary handler. sendMessage: every request counted (the body as sent), answered
/// as the test scripted (a success with the id <c>ID-&lt;n&gt;</c> by default), optionally held until the test releases it
/// (a send in flight); and what it took is written to its journal, unless the test says the request was dropped.
/// lastOutgoingMessages: that journal, plus any entry the test adds (a lying one, say).
/// </summary>
internal sealed class ScriptedGateway : HttpMessageHandler
{
    private readonly ConcurrentQueue<JObject> _requests = new();
    private readonly ConcurrentQueue<JObject> _journal = new();
    private int _count;
    private int _journalReads;

    /// <summary>Every sendMessage body received, in order.</summary>
    public IReadOnlyList<JObject> Requests => [.. _requests];

    /// <summary>How many sendMessage requests arrived.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>How many times the journal was read.</summary>
    public int JournalReads => Volatile.Read(ref _journalReads);

    /// <summary>Answers sendMessage request <c>n</c> (from 1); the default succeeds with <c>ID-n</c>.</summary>
    public Func<int, Task<HttpResponseMessage>> Answer { get; set; } = n => Task.FromResult(Success("ID-" + n));

    /// <summary>Whether sendMessage request <c>n</c> goes out (into the journal), whatever it is answered; true by default.</summary>
    public Func<int, bool> Journaled { get; set; } = _ => true;

    /// <summary>The gateway's clock, for the journal's times.</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    /// <summary>
    /// Awaited on each journal read after the entries are listed and before they are returned: a test holds a reader
    /// there (a reconciler that judges what it read only after others have acted).
    /// </summary>
    public Func<Task> JournalRead { get; set; } = () => Task.CompletedTask;

    /// <summary>Set when a sendMessage request arrives, before it is answered.</summary>
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

    /// <summary>Adds an entry to the journal as GREEN-API lists it.</summary>
    public void AddToJournal(JObject entry) => _journal.Enqueue(entry);

    /// <summary>A journal entry of an outgoing text sent through the API.</summary>
    public static JObject Entry(string? idMessage, string chatId, string text, DateTimeOffset time) => new()
    {
        ["type"] = "outgoing",
        ["idMessage"] = idMessage,
        ["timestamp"] = time.ToUnixTimeSeconds(),
        ["typeMessage"] = "textMessage",
        ["chatId"] = chatId,
        ["textMessage"] = text,
        ["statusMessage"] = "sent",
        ["sendByApi"] = true,
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Get && request.RequestUri!.AbsolutePath.Contains("/lastOutgoingMessages/", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _journalReads);
            var entries = new JArray(_journal.Where(e => e is not null));
            await JournalRead();
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(entries.ToString(Newtonsoft.Json.Formatting.None), Encoding.UTF8, "application/json"), RequestMessage = request };
        }

        var body = JObject.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
        _requests.Enqueue(body);
        var n = Interlocked.Increment(ref _count);
        Arrived.TrySetResult();
        var response = await Answer(n).WaitAsync(cancellationToken);
        if (Journaled(n))
        {
            var id = response.IsSuccessStatusCode && JObject.Parse(await response.Content.ReadAsStringAsync(cancellationToken))["idMessage"] is { } given
                ? (string)given!
                : "ID-" + n.ToString(CultureInfo.InvariantCulture);
            _journal.Enqueue(Entry(id, (string)body["chatId"]!, (string)body["message"]!, Now()));
        }

        response.RequestMessage = request;
        return response;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
