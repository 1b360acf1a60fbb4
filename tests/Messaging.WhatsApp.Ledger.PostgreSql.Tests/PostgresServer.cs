using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Npgsql;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// A real PostgreSQL server of this process's own, for the tests and the benchmarks: Debian's binaries
/// (<c>/usr/lib/postgresql/&lt;version&gt;/bin</c>, or the folder in <c>WHATSAPP_POSTGRES_BIN</c>), run as the
/// <c>postgres</c> user when this process is root (PostgreSQL refuses to run as root), with its data and socket
/// directories in a temporary folder it creates (owned by that user), listening on a free loopback port. Clients connect
/// over TCP as <see cref="Role"/> with a password (scram-sha-256); the superuser only through the socket. Stopped, and
/// only its own folder deleted, when disposed, or when the process exits first.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>The role the tests connect as: it needs its password.</summary>
    public const string Role = "ledger_test";

    /// <summary>The server programs the harness runs.</summary>
    private static readonly string[] Tools = ["postgres", "initdb", "pg_ctl"];

    private readonly string _bin;
    private readonly bool _asPostgresUser;
    private readonly PosixSignalRegistration[] _signals;
    private int _databases;
    private bool _disposed;

    private PostgresServer(string bin, string folder, int port, bool asPostgresUser)
    {
        _bin = bin;
        Folder = folder;
        Port = port;
        _asPostgresUser = asPostgresUser;
        // A run that ends without disposing the server still stops it: at the process's exit, and on SIGTERM or SIGINT
        // (which end a .NET program without raising ProcessExit).
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
        _signals = [PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => OnProcessExit(null, EventArgs.Empty)), PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => OnProcessExit(null, EventArgs.Empty))];
    }

    /// <summary>The password of <see cref="Role"/>: made up for each server, never in a log or a command line.</summary>
    public string Password { get; } = "pw-" + Guid.NewGuid().ToString("N");

    public int Port { get; }

    /// <summary>The temporary folder the server lives in, deleted with it.</summary>
    public string Folder { get; }

    private string DataDirectory => Path.Combine(Folder, "data");

    private string SocketDirectory => Path.Combine(Folder, "socket");

    private string LogFile => Path.Combine(Folder, "postgres.log");

    /// <summary>
    /// Initializes a cluster in a new temporary folder and starts it. <paramref name="durable"/> keeps PostgreSQL's
    /// defaults (every commit flushed to disk, as a production server); otherwise commits are written to the operating
    /// system without a flush (<c>fsync=off</c>): they survive the server's crash or restart, not the machine's.
    /// </summary>
    /// <exception cref="InvalidOperationException">The binaries are missing (the message says how to install them), or the server did not start.</exception>
    public static async Task<PostgresServer> StartAsync(bool durable = false, string? binDirectory = null)
    {
        var bin = FindBinaries(binDirectory ?? Environment.GetEnvironmentVariable("WHATSAPP_POSTGRES_BIN"));
        var asPostgresUser = Environment.UserName == "root";
        if (asPostgresUser && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException("PostgreSQL refuses to run as root, and there is no postgres user to run it as: install Debian's PostgreSQL with `apt-get install postgresql` (it creates the user).");
        }

        var folder = Directory.CreateTempSubdirectory("whatsapp-pg-").FullName;
        var server = new PostgresServer(bin, folder, FreePort(), asPostgresUser);
        try
        {
            Directory.CreateDirectory(server.SocketDirectory);
            if (asPostgresUser)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", folder]);
            }

            await server.RunToolAsync("initdb", "-D", server.DataDirectory, "-U", "postgres", "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions");
            var settings = new[]
            {
                "listen_addresses = '127.0.0.1'",
                $"port = {server.Port}",
                $"unix_socket_directories = '{server.SocketDirectory}'",
                "max_connections = 300",
                "shared_buffers = 128MB",
                durable ? string.Empty : "fsync = off",
                durable ? string.Empty : "full_page_writes = off",
            };
            await File.AppendAllLinesAsync(Path.Combine(server.DataDirectory, "postgresql.conf"), settings);
            await server.StartAsync();
            await using (var admin = await server.OpenAdminAsync())
            await using (var create = admin.CreateCommand())
            {
                create.CommandText = $"CREATE ROLE {Role} LOGIN CREATEDB PASSWORD '{server.Password}'";
                await create.ExecuteNonQueryAsync();
            }

            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new, empty database owned by <see cref="Role"/>; its connection string (with the password).</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "ledger")
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}_{Interlocked.Increment(ref _databases)}").ToLowerInvariant();
        await using (var admin = await OpenAdminAsync())
        await using (var create = admin.CreateCommand())
        {
            create.CommandText = $"CREATE DATABASE \"{name}\" OWNER {Role}";
            await create.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>How <see cref="Role"/> connects to <paramref name="database"/> over TCP.</summary>
    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Database = database,
        Username = Role,
        Password = Password,
        Timeout = 30,
        CommandTimeout = 120,
    }.ConnectionString;

    /// <summary>Starts the server (again), waiting until it accepts connections.</summary>
    public Task StartAsync() => RunToolAsync("pg_ctl", "start", "-w", "-t", "120", "-D", DataDirectory, "-l", LogFile);

    /// <summary>Stops the server: <c>fast</c> rolls back what is under way and disconnects; <c>immediate</c> is a crash, recovered from the log at the next start.</summary>
    public Task StopAsync(string mode = "fast") => RunToolAsync("pg_ctl", "stop", "-w", "-t", "120", "-D", DataDirectory, "-m", mode);

    /// <summary>The last lines of the server's log, for a failure's message.</summary>
    public string LogTail(int lines = 30)
    {
        try
        {
            return string.Join("\n", File.ReadLines(LogFile).TakeLast(lines));
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var signal in _signals)
        {
            signal.Dispose();
        }

        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await StopAsync("fast");
            }
        }
        finally
        {
            // Only the folder this server created.
            Directory.Delete(Folder, recursive: true);
        }
    }

    private async Task<NpgsqlConnection> OpenAdminAsync()
    {
        var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder { Host = SocketDirectory, Port = Port, Username = "postgres", Database = "postgres", Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        return admin;
    }

    private async Task RunToolAsync(string tool, params string[] arguments)
    {
        var path = Path.Combine(_bin, tool);
        try
        {
            if (_asPostgresUser)
            {
                await RunAsync("runuser", ["-u", "postgres", "--", path, .. arguments], Folder);
            }
            else
            {
                await RunAsync(path, arguments, Folder);
            }
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(e.Message + "\nServer log:\n" + LogTail(), e);
        }
    }

    private static async Task RunAsync(string program, string[] arguments, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start " + program);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(" ", arguments)} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    private static string FindBinaries(string? given)
    {
        var candidates = given is { Length: > 0 }
            ? [given]
            : Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql")
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                    .Select(d => Path.Combine(d, "bin"))
                    .ToArray()
                : [];
        return candidates.FirstOrDefault(c => Tools.All(t => File.Exists(Path.Combine(c, t))))
            ?? throw new InvalidOperationException(
                $"PostgreSQL's server programs (postgres, initdb, pg_ctl) were not found in {(given is { Length: > 0 } ? given + " (WHATSAPP_POSTGRES_BIN)" : "/usr/lib/postgresql/<version>/bin")}: install Debian's PostgreSQL with `apt-get install postgresql` (.ci/run does), or set WHATSAPP_POSTGRES_BIN to the folder that holds them.");
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        // The run ended without disposing the server (an abort, a signal). Child processes cannot be relied on while the
        // runtime shuts down, so the postmaster is killed (its backends exit when it does; the data is thrown away),
        // awaited, and the folder deleted.
        try
        {
            var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
            if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First(), out var pid))
            {
                using var postmaster = Process.GetProcessById(pid);
                postmaster.Kill();
                postmaster.WaitForExit(TimeSpan.FromSeconds(20));
            }

            // Its other processes notice its death and exit within moments; until then they may still write a file.
            for (var attempt = 1; Directory.Exists(Folder); attempt++)
            {
                try
                {
                    Directory.Delete(Folder, recursive: true);
                }
                catch (IOException) when (attempt < 50)
                {
                    Thread.Sleep(100);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Nothing more can be done while the process exits.
        }
    }
}
