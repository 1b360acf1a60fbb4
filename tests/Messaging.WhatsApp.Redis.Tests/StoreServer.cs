using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using Garnet;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// A real Redis-protocol server on a loopback port that a test can stop and start again on the same port:
/// Microsoft's Garnet hosted in this process (the default: nothing to install), or Redis itself when the
/// environment variable <c>WHATSAPP_REDIS_SERVER</c> is <c>redis-server</c> (found on PATH) or a path to it.
/// Neither keeps data across a restart, as a store without persistence loses its window.
/// </summary>
internal sealed class StoreServer : IDisposable
{
    private GarnetServer? _garnet;
    private Process? _redis;

    private StoreServer(string? redisServer)
    {
        RedisServer = redisServer;
        Port = FreePort();
        Start();
    }

    /// <summary>The redis-server binary, or null for Garnet.</summary>
    public string? RedisServer { get; }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    /// <summary>Which engine, for test output.</summary>
    public string Engine => RedisServer is null ? "Garnet 2.2.8 (in-process)" : "redis-server (" + RedisServer + ")";

    /// <summary>The engine the environment selects; Garnet by default.</summary>
    public static StoreServer StartSelected()
    {
        var selected = Environment.GetEnvironmentVariable("WHATSAPP_REDIS_SERVER");
        if (string.IsNullOrEmpty(selected) || selected.Equals("garnet", StringComparison.OrdinalIgnoreCase))
        {
            return new StoreServer(null);
        }

        var path = selected.Contains('/', StringComparison.Ordinal) ? selected : FindOnPath(selected)
            ?? throw new InvalidOperationException($"WHATSAPP_REDIS_SERVER={selected}, but no such program is on PATH (install Debian's redis-server).");
        return new StoreServer(path);
    }

    public bool IsRunning => _garnet is not null || _redis is not null;

    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        if (RedisServer is null)
        {
            // Lua on, and each script run as a transaction: without it Garnet lets scripts on other connections
            // interleave with one, and the limiter's read-then-add would not be atomic.
            _garnet = new GarnetServer(["--bind", "127.0.0.1", "--port", Port.ToString(CultureInfo), "--lua", "--lua-transaction-mode", "--memory", "64m", "--index", "1m", "-q"]);
            _garnet.Start();
        }
        else
        {
            var start = new ProcessStartInfo(RedisServer)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "--port", Port.ToString(CultureInfo), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--dir", Path.GetTempPath() })
            {
                start.ArgumentList.Add(arg);
            }

            _redis = Process.Start(start)!;
            _redis.OutputDataReceived += (_, _) => { };
            _redis.ErrorDataReceived += (_, _) => { };
            _redis.BeginOutputReadLine();
            _redis.BeginErrorReadLine();
        }

        WaitUntilListening();
    }

    /// <summary>Stops the server; its data is gone.</summary>
    public void Stop()
    {
        if (_garnet is not null)
        {
            _garnet.Dispose();
            _garnet = null;
        }

        if (_redis is not null)
        {
            _redis.Kill();
            _redis.WaitForExit();
            _redis.Dispose();
            _redis = null;
        }
    }

    public void Dispose() => Stop();

    private void WaitUntilListening()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static readonly IFormatProvider CultureInfo = System.Globalization.CultureInfo.InvariantCulture;

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string program)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/" + program) ? "/usr/bin/" + program : null;
    }
}
