using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Tests.Infrastructure;

/// <summary>One HTTP request as the raw server read it off the socket.</summary>
/// <param name="Method">The method.</param>
/// <param name="Target">The request target (path and query) exactly as sent.</param>
/// <param name="Headers">The headers, names compared without case; repeated headers joined with ", ".</param>
/// <param name="Body">The body bytes (Content-Length framing).</param>
/// <param name="RawHead">The request line and headers exactly as received.</param>
/// <param name="Connection">The number of the connection it came on, from 1.</param>
public sealed record RawRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body, string RawHead, int Connection)
{
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>What a handler of the raw server can do with the connection of one request.</summary>
public sealed class RawResponder
{
    private readonly Socket _socket;

    internal RawResponder(Socket socket) => _socket = socket;

    /// <summary>True once the handler closed or reset the connection; the server then reads no further request on it.</summary>
    public bool Closed { get; private set; }

    public async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken = default)
    {
        if (bytes.Length > 0)
        {
            await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken);
        }
    }

    public Task WriteAsync(string ascii, CancellationToken cancellationToken = default) =>
        WriteAsync(Encoding.Latin1.GetBytes(ascii), cancellationToken);

    /// <summary>Writes the bytes in pieces of <paramref name="chunk"/> bytes with a pause between them.</summary>
    public async Task WriteSlowlyAsync(byte[] bytes, int chunk, TimeSpan pause, CancellationToken cancellationToken = default)
    {
        for (var at = 0; at < bytes.Length; at += chunk)
        {
            await _socket.SendAsync(bytes.AsMemory(at, Math.Min(chunk, bytes.Length - at)), SocketFlags.None, cancellationToken);
            await Task.Delay(pause, cancellationToken);
        }
    }

    /// <summary>Closes the connection gracefully (FIN).</summary>
    public void Close()
    {
        Closed = true;
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        _socket.Close();
    }

    /// <summary>Resets the connection (RST), as a crashing server or a middlebox does.</summary>
    public void Reset()
    {
        Closed = true;
        _socket.LingerState = new LingerOption(true, 0);
        _socket.Close();
    }
}

/// <summary>
/// An HTTP/1.1 server on a loopback port made of raw sockets, for what WireMock cannot produce: redirects,
/// any status line, odd or broken headers, invalid bytes, resets at chosen points, bytes trickled one by one.
/// Every request is recorded; the handler writes the answer byte for byte.
/// </summary>
public sealed class RawHttpServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<RawRequest, RawResponder, Task> _handle;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<RawRequest> _requests = new();
    private readonly ConcurrentBag<Task> _connections = new();
    private readonly Task _accepting;
    private int _connectionCount;

    public RawHttpServer(Func<RawRequest, RawResponder, Task> handle)
    {
        _handle = handle;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start(512);
        Url = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _accepting = AcceptAsync();
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public Uri Url { get; }

    public IReadOnlyList<RawRequest> Requests => _requests.ToList();

    public int Connections => Volatile.Read(ref _connectionCount);

    /// <summary>A server that answers every request with the same bytes and then closes the connection.</summary>
    public static RawHttpServer Answering(byte[] response) =>
        new(async (_, responder) =>
        {
            await responder.WriteAsync(response);
            responder.Close();
        });

    /// <summary>
    /// A complete response: status line, headers, Content-Length (unless given), <c>Connection: close</c>
    /// (unless a Connection header is given; <see cref="Answering"/> closes after answering) and body.
    /// </summary>
    public static byte[] Response(int status, string? contentType, byte[] body, params (string Name, string Value)[] headers)
    {
        var head = new StringBuilder();
        head.Append(CultureInfoInvariant($"HTTP/1.1 {status} Status\r\n"));
        if (contentType is not null)
        {
            head.Append("Content-Type: ").Append(contentType).Append("\r\n");
        }

        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (!headers.Any(h => h.Name.Equals("Connection", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Connection: close\r\n");
        }

        if (!headers.Any(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append(CultureInfoInvariant($"Content-Length: {body.Length}\r\n"));
        }

        head.Append("\r\n");
        return [.. Encoding.Latin1.GetBytes(head.ToString()), .. body];
    }

    public static byte[] Response(int status, string? contentType, string body, params (string Name, string Value)[] headers) =>
        Response(status, contentType, Encoding.UTF8.GetBytes(body), headers);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // The accept loop may be between two accepts when the listener stops: its next AcceptSocketAsync then
            // throws InvalidOperationException ("Not listening") rather than observing the cancellation.
        }

        await Task.WhenAll(_connections.Select(c => c.ContinueWith(_ => { }, TaskScheduler.Default)));
        _stop.Dispose();
    }

    private static string CultureInfoInvariant(FormattableString text) => FormattableString.Invariant(text);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            var number = Interlocked.Increment(ref _connectionCount);
            _connections.Add(Task.Run(() => ServeAsync(socket, number)));
        }
    }

    private async Task ServeAsync(Socket socket, int connection)
    {
        var responder = new RawResponder(socket);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (!responder.Closed && !_stop.IsCancellationRequested)
            {
                var request = await ReadRequestAsync(socket, buffer, chunk, connection);
                if (request is null)
                {
                    break;
                }

                _requests.Enqueue(request);
                await _handle(request, responder);
            }
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the handler reset the connection: nothing to answer.
        }
        finally
        {
            if (!responder.Closed)
            {
                responder.Close();
            }
        }
    }

    private async Task<RawRequest?> ReadRequestAsync(Socket socket, MemoryStream buffer, byte[] chunk, int connection)
    {
        int headEnd;
        while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
        {
            var read = await socket.ReceiveAsync(chunk, SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        var all = buffer.ToArray();
        var head = Encoding.Latin1.GetString(all, 0, headEnd);
        var lines = head.Split("\r\n");
        var requestLine = lines[0].Split(' ');
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + ", " + value : value;
        }

        var length = headers.TryGetValue("Content-Length", out var declared) ? int.Parse(declared, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var bodyStart = headEnd + 4;
        while (all.Length - bodyStart < length)
        {
            var read = await socket.ReceiveAsync(chunk, SocketFlags.None, _stop.Token);
            if (read == 0)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
            all = buffer.ToArray();
        }

        var body = all.AsSpan(bodyStart, length).ToArray();
        var rest = all.AsSpan(bodyStart + length).ToArray();
        buffer.SetLength(0);
        buffer.Write(rest);
        return new RawRequest(requestLine[0], requestLine.Length > 1 ? requestLine[1] : string.Empty, headers, body, head, connection);
    }

    private static int IndexOf(MemoryStream stream, ReadOnlySpan<byte> value) =>
        stream.GetBuffer().AsSpan(0, (int)stream.Length).IndexOf(value);
}
