using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>A response as the raw client read it: status, headers (names without case), body (Content-Length framing).</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// One HTTP/1.1 connection made of a raw socket, for what HttpClient will not do: a head without its body, a
/// body trickled or cut off, chunked framing written by hand, a reset at a chosen point.
/// </summary>
public sealed class RawHttpClient : IAsyncDisposable
{
    /// <summary>How long a test waits for an answer before it fails rather than hangs (not a speed check).</summary>
    public static readonly TimeSpan AnswerBound = TimeSpan.FromSeconds(30);

    private readonly Socket _socket;
    private readonly MemoryStream _received = new();

    private RawHttpClient(Socket socket) => _socket = socket;

    public static async Task<RawHttpClient> ConnectAsync(Uri server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, server.Port);
        return new RawHttpClient(socket);
    }

    /// <summary>The head of a request: request line, Host, the given headers, a blank line.</summary>
    public static string Head(string method, string target, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder().Append(method).Append(' ').Append(target).Append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return head.Append("\r\n").ToString();
    }

    /// <summary>A chunk of the chunked transfer coding; an empty one is the last.</summary>
    public static byte[] Chunk(ReadOnlySpan<byte> data) =>
        [.. Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), .. data, .. "\r\n"u8];

    public Task WriteAsync(string ascii) => WriteAsync(Encoding.Latin1.GetBytes(ascii));

    public async Task WriteAsync(byte[] bytes)
    {
        var sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes.AsMemory(sent), SocketFlags.None);
        }
    }

    /// <summary>Writes, ignoring a connection the server already closed or reset (it may answer before reading everything).</summary>
    public async Task<bool> TryWriteAsync(byte[] bytes)
    {
        try
        {
            await WriteAsync(bytes);
            return true;
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Reads one response, or fails the test after <see cref="AnswerBound"/>; null when the server closed without answering.</summary>
    public async Task<RawResponse?> ReadResponseAsync()
    {
        using var bound = new CancellationTokenSource(AnswerBound);
        var chunk = new byte[16 * 1024];
        int headEnd;
        while ((headEnd = _received.GetBuffer().AsSpan(0, (int)_received.Length).IndexOf("\r\n\r\n"u8)) < 0)
        {
            int read;
            try
            {
                read = await _socket.ReceiveAsync(chunk, SocketFlags.None, bound.Token);
            }
            catch (SocketException)
            {
                return null;
            }

            if (read == 0)
            {
                return null;
            }

            _received.Write(chunk, 0, read);
        }

        var all = _received.ToArray();
        var lines = Encoding.Latin1.GetString(all, 0, headEnd).Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines[1..])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var length = headers.TryGetValue("Content-Length", out var declared) ? int.Parse(declared, CultureInfo.InvariantCulture) : 0;
        while (all.Length - (headEnd + 4) < length)
        {
            var read = await _socket.ReceiveAsync(chunk, SocketFlags.None, bound.Token);
            if (read == 0)
            {
                break;
            }

            _received.Write(chunk, 0, read);
            all = _received.ToArray();
        }

        var body = all.AsSpan(headEnd + 4, Math.Min(length, all.Length - headEnd - 4)).ToArray();
        var rest = all.AsSpan(headEnd + 4 + body.Length).ToArray();
        _received.SetLength(0);
        _received.Write(rest);
        return new RawResponse(status, headers, body);
    }

    /// <summary>Closes the sending side (FIN) and keeps reading possible.</summary>
    public void FinishSending() => _socket.Shutdown(SocketShutdown.Send);

    /// <summary>Resets the connection (RST), as a client that crashed.</summary>
    public void Reset()
    {
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        _received.Dispose();
        return ValueTask.CompletedTask;
    }
}
