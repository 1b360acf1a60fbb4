using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// GREEN-API for the kill tests, on a loopback Kestrel host. sendMessage: every request counted per message text, and
/// answered as <see cref="Plan"/> says: accepted with a new id, a 502 or an answer that never comes in time (each either
/// after the message went out, into the journal, or with the message dropped), or refused (400). A request whose number
/// is a kill point is held: the message goes out or not as the point says, the replica that sent it is named on
/// <see cref="Kills"/>, and the request waits until that replica is gone. lastOutgoingMessages: the journal of what
/// went out, as GREEN-API lists it.
/// </summary>
internal sealed class FaultGateway : IAsyncDisposable
{
    /// <summary>How long a late answer is held: longer than the sender's timeout.</summary>
    private static readonly TimeSpan LateBy = Replica.SendTimeout + TimeSpan.FromSeconds(2);

    private readonly WebApplication _app;
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<string>> _wentOut = new(StringComparer.Ordinal);
    private readonly List<(string Id, string Chat, string Text, DateTimeOffset Time)> _journal = [];
    private readonly Channel<string> _kills = Channel.CreateUnbounded<string>();
    private int _count;

    private FaultGateway(WebApplication app) => _app = app;

    public enum Answer
    {
        Accept,
        BadGateway,
        Late,
        Refuse,
    }

    public Uri Url { get; private set; } = null!;

    /// <summary>How a request with this text (and its attempt at the gateway, from 1) is answered, and whether its message goes out.</summary>
    public Func<string, int, (bool WentOut, Answer Answer)> Plan { get; set; } = (_, _) => (true, Answer.Accept);

    /// <summary>The requests that are held while their replica is killed, and whether their message goes out first.</summary>
    public Dictionary<int, bool> KillPoints { get; } = [];

    /// <summary>The replicas to kill, as their requests named them (<c>name/pid</c>).</summary>
    public ChannelReader<string> Kills => _kills.Reader;

    public int Count => Volatile.Read(ref _count);

    public static async Task<FaultGateway> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var gateway = new FaultGateway(app);
        app.MapPost("/waInstance{id}/sendMessage/{token}", gateway.SendMessageAsync);
        app.MapGet("/waInstance{id}/lastOutgoingMessages/{token}", gateway.Journal);
        await app.StartAsync();
        gateway.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return gateway;
    }

    /// <summary>Per text: how many requests arrived, and the ids under which it went out (at most one, if nothing was sent twice).</summary>
    public (Dictionary<string, int> Requests, Dictionary<string, List<string>> WentOut, List<(string Id, string Chat, string Text, DateTimeOffset Time)> Journal) Snapshot()
    {
        lock (_gate)
        {
            return (new(_requests, StringComparer.Ordinal), _wentOut.ToDictionary(e => e.Key, e => e.Value.ToList(), StringComparer.Ordinal), [.. _journal]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _kills.Writer.TryComplete();
        await _app.DisposeAsync();
    }

    private async Task SendMessageAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = JObject.Parse(await reader.ReadToEndAsync());
        var chat = (string)body["chatId"]!;
        var text = (string)body["message"]!;
        var n = Interlocked.Increment(ref _count);
        int attempt;
        lock (_gate)
        {
            attempt = _requests[text] = _requests.GetValueOrDefault(text) + 1;
        }

        if (KillPoints.TryGetValue(n, out var wentOutFirst))
        {
            if (wentOutFirst)
            {
                GoOut(chat, text);
            }

            _kills.Writer.TryWrite(context.Request.Headers[Replica.Header].ToString());
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(1), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The replica that sent it is gone.
            }

            return;
        }

        var (wentOut, answer) = Plan(text, attempt);
        var id = wentOut ? GoOut(chat, text) : null;
        switch (answer)
        {
            case Answer.Accept:
                await Json(context, 200, $$"""{"idMessage":"{{id ?? "NOT-SENT"}}"}""");
                break;
            case Answer.BadGateway:
                context.Response.StatusCode = 502;
                await context.Response.WriteAsync("Bad Gateway");
                break;
            case Answer.Late:
                try
                {
                    await Task.Delay(LateBy, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                await Json(context, 200, $$"""{"idMessage":"{{id ?? "NOT-SENT"}}"}""");
                break;
            default:
                await Json(context, 400, """{"statusCode":400,"message":"Validation failed. Details: 'message' is refused by the test gateway"}""");
                break;
        }
    }

    private string GoOut(string chat, string text)
    {
        lock (_gate)
        {
            var id = "G-" + (_journal.Count + 1).ToString(CultureInfo.InvariantCulture);
            _journal.Add((id, chat, text, DateTimeOffset.UtcNow));
            if (!_wentOut.TryGetValue(text, out var ids))
            {
                _wentOut[text] = ids = [];
            }

            ids.Add(id);
            return id;
        }
    }

    private IResult Journal(HttpContext context)
    {
        var minutes = int.TryParse(context.Request.Query["minutes"], out var m) ? m : 24 * 60;
        var since = DateTimeOffset.UtcNow.AddMinutes(-minutes);
        var entries = new JArray();
        lock (_gate)
        {
            foreach (var (id, chat, text, time) in _journal.Where(e => e.Time >= since))
            {
                entries.Add(new JObject
                {
                    ["type"] = "outgoing",
                    ["idMessage"] = id,
                    ["timestamp"] = time.ToUnixTimeSeconds(),
                    ["typeMessage"] = "textMessage",
                    ["chatId"] = chat,
                    ["textMessage"] = text,
                    ["statusMessage"] = "sent",
                    ["sendByApi"] = true,
                });
            }
        }

        return Results.Text(entries.ToString(Newtonsoft.Json.Formatting.None), "application/json");
    }

    private static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }
}
