using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// A Redis server that is not one: RESP2 on a loopback port, written byte by byte here. It answers what
/// StackExchange.Redis asks while connecting (CLIENT, INFO, ROLE, CONFIG, ECHO, PING, SUBSCRIBE, SELECT, GET;
/// HELLO refused, so the connection speaks RESP2; CLUSTER, SENTINEL and anything else refused) as a plain
/// Redis 7 would, loads scripts (SCRIPT LOAD, named by their SHA-1 as Redis does), and answers each run
/// of the limiter's script (EVAL or EVALSHA) with whatever <see cref="ScriptReply"/> the test's function
/// returns for it: any bytes, written whole or in slow pieces, cut by a connection reset, or never.
/// Every script run is recorded with the time it arrived.
/// </summary>
internal sealed class FakeRespServer : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<ScriptCall, ScriptReply> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<Socket> _sockets = [];
    private readonly ConcurrentQueue<ScriptCall> _calls = new();
    private readonly ConcurrentDictionary<string, string> _scripts = new(StringComparer.Ordinal);

    /// <param name="reply">What to answer a run of the script: called in order for each connection, and for several connections at once.</param>
    public FakeRespServer(Func<ScriptCall, ScriptReply> reply)
    {
        _reply = reply;
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Every run of the script so far, in the order they arrived.</summary>
    public IReadOnlyList<ScriptCall> Calls => [.. _calls.OrderBy(c => c.Timestamp)];

    /// <summary>The limiter's permit script's answer: a RESP array of two integers.</summary>
    public static byte[] Pair(long first, long second) => Resp(string.Create(CultureInfo.InvariantCulture, $"*2\r\n:{first}\r\n:{second}\r\n"));

    /// <summary>ASCII bytes of a RESP text written with \r\n.</summary>
    public static byte[] Resp(string text) => Encoding.ASCII.GetBytes(text);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            socket.NoDelay = true;
            _sockets.Add(socket);
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    /// <summary>
    /// Reads commands as they arrive, stamping each with its arrival, and answers them in order on another task,
    /// so that a slow answer does not delay when the next command is seen to arrive.
    /// </summary>
    private async Task ServeAsync(Socket socket)
    {
        var commands = Channel.CreateUnbounded<(string[] Command, long Arrived)>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var stream = new NetworkStream(socket, ownsSocket: true);
        var answering = AnswerAsync(socket, stream, commands.Reader);
        try
        {
            var reader = new BufferedStream(stream, 4096);
            while (!_stop.IsCancellationRequested && await ReadCommandAsync(reader) is { } command)
            {
                commands.Writer.TryWrite((command, Stopwatch.GetTimestamp()));
            }
        }
        catch (Exception)
        {
            // A connection the client closed, or this server reset.
        }

        commands.Writer.TryComplete();
        await answering;
    }

    private async Task AnswerAsync(Socket socket, NetworkStream stream, ChannelReader<(string[] Command, long Arrived)> commands)
    {
        var silent = false;
        var subscribed = false;
        try
        {
            await foreach (var (command, arrived) in commands.ReadAllAsync(_stop.Token))
            {
                var name = command[0].ToUpperInvariant();
                if (silent)
                {
                    // A store that stopped answering on this connection answers nothing after that either; the
                    // script runs that reach it still count as calls.
                    if (name is "EVAL" or "EVALSHA")
                    {
                        _calls.Enqueue(Call(command, arrived));
                    }

                    continue;
                }

                byte[] answer;
                switch (name)
                {
                    case "EVAL":
                    case "EVALSHA":
                        if (name == "EVALSHA" && !_scripts.ContainsKey(command[1]))
                        {
                            answer = Resp("-NOSCRIPT No matching script. Please use EVAL.\r\n");
                            break;
                        }

                        var call = Call(command, arrived);
                        var reply = _reply(call);
                        _calls.Enqueue(call with { Reply = reply });
                        switch (await WriteReplyAsync(socket, stream, reply))
                        {
                            case Then.Reset:
                                return;
                            case Then.Silence:
                                silent = true;
                                break;
                        }

                        continue;
                    case "SCRIPT" when command.Length == 3 && command[1].Equals("LOAD", StringComparison.OrdinalIgnoreCase):
                        // SHA-1 is what Redis names a script by, not a protection of anything.
#pragma warning disable CA5350
                        var sha = Convert.ToHexStringLower(SHA1.HashData(Encoding.Latin1.GetBytes(command[2])));
#pragma warning restore CA5350
                        _scripts[sha] = command[2];
                        answer = Bulk(sha);
                        break;
                    case "PING":
                        answer = subscribed ? Resp("*2\r\n$4\r\npong\r\n$0\r\n\r\n") : Resp("+PONG\r\n");
                        break;
                    case "ECHO":
                        answer = Bulk(command[1]);
                        break;
                    case "CLIENT":
                        answer = command.Length > 1 && command[1].Equals("ID", StringComparison.OrdinalIgnoreCase) ? Resp(":7\r\n") : Resp("+OK\r\n");
                        break;
                    case "SELECT":
                        answer = Resp("+OK\r\n");
                        break;
                    case "INFO":
                        answer = Bulk("# Server\r\nredis_version:7.2.4\r\nredis_mode:standalone\r\nos:Linux\r\n# Replication\r\nrole:master\r\nconnected_slaves:0\r\n");
                        break;
                    case "ROLE":
                        answer = Resp("*3\r\n$6\r\nmaster\r\n:0\r\n*0\r\n");
                        break;
                    case "CONFIG":
                        answer = Resp("*0\r\n");
                        break;
                    case "GET":
                        answer = Resp("$-1\r\n");
                        break;
                    case "SUBSCRIBE":
                        subscribed = true;
                        answer = [.. Resp("*3\r\n$9\r\nsubscribe\r\n"), .. Bulk(command[1]), .. Resp(":1\r\n")];
                        break;
                    case "CLUSTER":
                        answer = Resp("-ERR This instance has cluster support disabled\r\n");
                        break;
                    default:
                        answer = Resp($"-ERR unknown command '{command[0]}'\r\n");
                        break;
                }

                await stream.WriteAsync(answer, _stop.Token);
            }
        }
        catch (Exception)
        {
            // A connection the client closed, or this server reset.
        }
    }

    /// <summary>A run of the script: its arrival, first key, mode (ARGV[6]) and ticket (ARGV[1]).</summary>
    private static ScriptCall Call(string[] command, long arrived)
    {
        var keyCount = int.Parse(command[2], CultureInfo.InvariantCulture);
        return new ScriptCall(arrived, command[3], command[3 + keyCount + 5], command[3 + keyCount]);
    }

    /// <summary>Writes the reply as it says, and says what the connection does next.</summary>
    private async Task<Then> WriteReplyAsync(Socket socket, NetworkStream stream, ScriptReply reply)
    {
        if (reply.Silent)
        {
            return Then.Silence;
        }

        if (reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, _stop.Token);
        }

        var length = reply.CutAfter is { } cut ? Math.Min(cut, reply.Bytes.Length) : reply.Bytes.Length;
        var chunk = reply.ChunkSize > 0 ? reply.ChunkSize : Math.Max(length, 1);
        for (var written = 0; written < length; written += chunk)
        {
            if (written > 0 && reply.ChunkDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.ChunkDelay, _stop.Token);
            }

            await stream.WriteAsync(reply.Bytes.AsMemory(written, Math.Min(chunk, length - written)), _stop.Token);
        }

        if (reply.CutAfter is null)
        {
            return Then.Answer;
        }

        if (!reply.Reset)
        {
            return Then.Silence;
        }

        // A reset (RST), not a polite close: the client learns of it mid-reply.
        socket.LingerState = new LingerOption(true, 0);
        socket.Close();
        return Then.Reset;
    }

    /// <summary>One command: a RESP array of bulk strings (read as Latin-1, so that any bytes come back unchanged), or null when the client closed the connection.</summary>
    private static async Task<string[]?> ReadCommandAsync(Stream reader)
    {
        var header = await ReadLineAsync(reader);
        if (header is null)
        {
            return null;
        }

        if (header.Length == 0 || header[0] != '*')
        {
            throw new InvalidDataException("not a RESP command");
        }

        var parts = new string[int.Parse(header.AsSpan(1), CultureInfo.InvariantCulture)];
        for (var i = 0; i < parts.Length; i++)
        {
            var size = await ReadLineAsync(reader) ?? throw new EndOfStreamException();
            var bytes = new byte[int.Parse(size.AsSpan(1), CultureInfo.InvariantCulture) + 2];
            await reader.ReadExactlyAsync(bytes);
            parts[i] = Encoding.Latin1.GetString(bytes, 0, bytes.Length - 2);
        }

        return parts;
    }

    private static async Task<string?> ReadLineAsync(Stream reader)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await reader.ReadAsync(one) == 0)
            {
                return null;
            }

            if (one[0] == '\n' && line.Length > 0 && line[^1] == '\r')
            {
                return line.ToString(0, line.Length - 1);
            }

            line.Append((char)one[0]);
        }
    }

    private static byte[] Bulk(string value)
    {
        var bytes = Encoding.Latin1.GetBytes(value);
        return [.. Resp($"${bytes.Length}\r\n"), .. bytes, .. Resp("\r\n")];
    }

    private enum Then
    {
        Answer,
        Silence,
        Reset,
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }
    }
}

/// <summary>One run of the limiter's script: when it arrived, its first key, its mode (take, try, leave), its ticket, and what was answered.</summary>
internal sealed record ScriptCall(long Timestamp, string Key, string Mode, string Ticket)
{
    public ScriptReply? Reply { get; init; }
}

/// <summary>
/// What the fake store answers one run of the script: <see cref="Bytes"/>, after <see cref="Delay"/>, in pieces
/// of <see cref="ChunkSize"/> bytes <see cref="ChunkDelay"/> apart; only the first <see cref="CutAfter"/> bytes,
/// then a connection reset (<see cref="Reset"/>) or silence; or nothing ever (<see cref="Silent"/>).
/// <see cref="IsPermit"/> says the bytes are a valid permit; one counts only when written whole.
/// </summary>
internal sealed record ScriptReply(string Name, byte[] Bytes, bool IsPermit = false)
{
    public TimeSpan Delay { get; init; }

    public int ChunkSize { get; init; }

    public TimeSpan ChunkDelay { get; init; }

    public int? CutAfter { get; init; }

    public bool Reset { get; init; }

    public bool Silent { get; init; }

    /// <summary>Whether the client was sent a whole valid permit in this reply.</summary>
    public bool DeliveredPermit => IsPermit && !Silent && (CutAfter is null || CutAfter >= Bytes.Length);

    public override string ToString() =>
        Name + " \"" + Encoding.Latin1.GetString(Bytes).Replace("\r\n", "\\r\\n", StringComparison.Ordinal) + "\""
        + (Delay > TimeSpan.Zero ? $" after {Delay.TotalMilliseconds:F0} ms" : "")
        + (ChunkSize > 0 ? $" in {ChunkSize}-byte pieces {ChunkDelay.TotalMilliseconds:F0} ms apart" : "")
        + (CutAfter is { } cut ? $", {(Reset ? "reset" : "silent")} after {cut} bytes" : "")
        + (Silent ? ", never answered" : "");
}
