using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// GREEN-API's notification queue as <c>receiveNotification</c> and <c>deleteNotification</c> serve it, on a raw
/// socket server: a FIFO queue whose head is handed out (and handed out again) until it is deleted; an empty
/// queue answers JSON <c>null</c> after a short long-poll. Tests can script the next answers of either method,
/// hold receives open (a long poll in flight) and read every request and deletion.
/// </summary>
public sealed partial class FakeGreenApiNotifications : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly List<(long ReceiptId, byte[] Body)> _queue = new();
    private readonly List<long> _deleted = new();
    private readonly ConcurrentQueue<byte[]> _receiveAnswers = new();
    private readonly ConcurrentQueue<byte[]> _deleteAnswers = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly RawHttpServer _server;
    private readonly string _token;
    private readonly SemaphoreSlim _arrived = new(0);
    private int _receives;

    public FakeGreenApiNotifications(string token)
    {
        _token = token;
        _server = new RawHttpServer(HandleAsync);
    }

    public Uri Url => _server.Url;

    /// <summary>True to hold every receive open until the queue is disposed: a long poll in flight.</summary>
    public bool HoldReceives { get; set; }

    public IReadOnlyList<RawRequest> Requests => _server.Requests;

    public int Receives => Volatile.Read(ref _receives);

    /// <summary>The receipt ids deleted, in order (an id deleted that was not the head is not listed).</summary>
    public IReadOnlyList<long> Deleted
    {
        get
        {
            lock (_gate)
            {
                return _deleted.ToList();
            }
        }
    }

    /// <summary>What a receive of this queue answers: <c>{"receiptId":…,"body":…}</c>.</summary>
    public static string Envelope(long receiptId, string body) =>
        string.Create(CultureInfo.InvariantCulture, $$"""{"receiptId":{{receiptId}},"body":{{body}}}""");

    /// <summary>What a receive of this queue answers, for a body of any bytes (not UTF-8, not JSON): the envelope around them as they are.</summary>
    public static byte[] Envelope(long receiptId, byte[] body) =>
        [.. Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $$"""{"receiptId":{{receiptId}},"body":""")), .. body, (byte)'}'];

    public void Enqueue(long receiptId, string body) => Enqueue(receiptId, Encoding.UTF8.GetBytes(body));

    /// <summary>Queues a notification whose body is these bytes, exactly.</summary>
    public void Enqueue(long receiptId, byte[] body)
    {
        lock (_gate)
        {
            _queue.Add((receiptId, body));
        }

        _arrived.Release();
    }

    /// <summary>How many notifications wait in the queue.</summary>
    public int Queued
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>The next receives answer these responses, in order, before the queue is served again.</summary>
    public void ScriptReceives(params byte[][] responses)
    {
        foreach (var response in responses)
        {
            _receiveAnswers.Enqueue(response);
        }
    }

    /// <summary>The next deletes answer these responses, in order (and delete nothing).</summary>
    public void ScriptDeletes(params byte[][] responses)
    {
        foreach (var response in responses)
        {
            _deleteAnswers.Enqueue(response);
        }
    }

    /// <summary>Waits until <paramref name="done"/> holds, or fails the test after <see cref="RawHttpClient.AnswerBound"/>.</summary>
    public static async Task WaitForAsync(Func<bool> done, string what)
    {
        using var bound = new CancellationTokenSource(RawHttpClient.AnswerBound);
        try
        {
            while (!done())
            {
                await Task.Delay(5, bound.Token);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("Not within the bound: " + what);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _server.DisposeAsync();
        _stop.Dispose();
        _arrived.Dispose();
    }

    public static byte[] Json(int status, string body, params (string Name, string Value)[] headers) =>
        RawHttpServer.Response(status, "application/json", body, headers);

    public static byte[] Text(int status, string body) => RawHttpServer.Response(status, "text/plain", body);

    [GeneratedRegex(@"^/waInstance(\d+)/(receiveNotification|deleteNotification)/([^/?]+)(?:/(\d+))?(?:\?(.*))?$")]
    private static partial Regex Route();

    private async Task HandleAsync(RawRequest request, RawResponder responder)
    {
        var match = Route().Match(request.Target);
        byte[] answer;
        if (!match.Success || Uri.UnescapeDataString(match.Groups[3].Value) != _token)
        {
            answer = RawHttpServer.Response(401, null, string.Empty);
        }
        else if (match.Groups[2].Value == "receiveNotification" && request.Method == "GET")
        {
            Interlocked.Increment(ref _receives);
            answer = await ReceiveAsync();
        }
        else if (match.Groups[2].Value == "deleteNotification" && request.Method == "DELETE")
        {
            answer = Delete(long.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture));
        }
        else
        {
            answer = RawHttpServer.Response(405, null, string.Empty);
        }

        try
        {
            await responder.WriteAsync(answer, _stop.Token);
        }
        finally
        {
            responder.Close();
        }
    }

    private async Task<byte[]> ReceiveAsync()
    {
        if (HoldReceives)
        {
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }

        if (_receiveAnswers.TryDequeue(out var scripted))
        {
            return scripted;
        }

        if (Head() is null)
        {
            // A short long poll: an arrival ends it early; an empty queue answers null.
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(50), _stop.Token);
        }

        return Head() is { } head ? RawHttpServer.Response(200, "application/json", Envelope(head.ReceiptId, head.Body)) : Json(200, "null");
    }

    private byte[] Delete(long receiptId)
    {
        if (_deleteAnswers.TryDequeue(out var scripted))
        {
            return scripted;
        }

        lock (_gate)
        {
            if (_queue.Count > 0 && _queue[0].ReceiptId == receiptId)
            {
                _queue.RemoveAt(0);
                _deleted.Add(receiptId);
                return Json(200, """{"result":true}""");
            }
        }

        return Json(200, """{"result":false}""");
    }

    private (long ReceiptId, byte[] Body)? Head()
    {
        lock (_gate)
        {
            return _queue.Count > 0 ? _queue[0] : null;
        }
    }
}
