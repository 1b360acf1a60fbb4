using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>A replica: this test assembly run as a program in <c>replica</c> mode (<see cref="Program"/>), its output kept for a failure's message.</summary>
internal sealed class ReplicaProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ReplicaProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    /// <summary>Starts a replica; the connection string goes in its environment, never on its command line.</summary>
    public static ReplicaProcess Start(Uri gateway, string name, string connectionString, bool resendNotSent)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { typeof(Program).Assembly.Location, "replica", gateway.ToString(), name, resendNotSent ? "resend-not-sent" : "report-not-sent" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["WHATSAPP_LEDGER_CONNECTION"] = connectionString;
        var process = new Process { StartInfo = start };
        var replica = new ReplicaProcess(name, process);
        process.OutputDataReceived += (_, e) => replica.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => replica.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return replica;
    }

    /// <summary>Completes once the replica's host has started (it printed <c>ready</c>); fails if it exits first.</summary>
    public Task Ready => _ready.Task;

    /// <summary>The last lines the replica printed.</summary>
    public string Tail => string.Join("\n", _output.TakeLast(20));

    /// <summary>SIGKILL: the process stops wherever it is, nothing of it runs on.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit(TimeSpan.FromMinutes(1));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            _ready.TrySetException(new InvalidOperationException($"Replica {Name} exited before it was ready:\n{Tail}"));
            return;
        }

        if (line == "ready")
        {
            _ready.TrySetResult();
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }
}
