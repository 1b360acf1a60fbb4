using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// whatsapp-send as a real process (the whatsapp-send.dll beside the tests), with its output read as it is
/// written: what only a process shows, its signals and its entry assembly.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;

    private CliProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Stdout { get; } = new();

    public ConcurrentQueue<string> Stderr { get; } = new();

    /// <summary>
    /// How to start <c>dotnet</c> with its output redirected. On Linux through <c>env --default-signal=INT,TERM</c>
    /// (coreutils 8.31 and later): a child of a shell's background job, as a CI script may be, inherits SIGINT ignored,
    /// and a process that starts with a signal ignored never receives it; a terminal's Ctrl+C reaches a CLI started
    /// from it with the default handling, which is what these tests are about.
    /// </summary>
    public static ProcessStartInfo DotnetStartInfo()
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var withDefaultSignals = OperatingSystem.IsLinux() && File.Exists("/usr/bin/env");
        var start = new ProcessStartInfo(withDefaultSignals ? "/usr/bin/env" : dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (withDefaultSignals)
        {
            start.ArgumentList.Add("--default-signal=INT,TERM");
            start.ArgumentList.Add(dotnet);
        }

        return start;
    }

    /// <summary>Starts the CLI with <paramref name="environment"/> added to this process's environment.</summary>
    public static CliProcess Start(IDictionary<string, string?> environment, params string[] args)
    {
        var start = DotnetStartInfo();
        start.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "whatsapp-send.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var cli = new CliProcess(new Process { StartInfo = start });
        cli._process.OutputDataReceived += (_, e) => cli.Stdout.Enqueue(e.Data ?? string.Empty);
        cli._process.ErrorDataReceived += (_, e) => cli.Stderr.Enqueue(e.Data ?? string.Empty);
        cli._process.Start();
        cli._process.BeginOutputReadLine();
        cli._process.BeginErrorReadLine();
        return cli;
    }

    /// <summary>Waits until a stdout line matches; fails if the process exits first or after 30 s.</summary>
    public Task WaitForStdoutAsync(Func<string, bool> match) => WaitForLineAsync(Stdout, match);

    /// <summary>Waits until a stderr line matches; fails if the process exits first or after 30 s.</summary>
    public Task WaitForStderrAsync(Func<string, bool> match) => WaitForLineAsync(Stderr, match);

    /// <summary>
    /// Sends the signal with kill(1), or ignores the test when the process ignores that signal (Linux: the SigIgn
    /// mask of /proc/&lt;pid&gt;/status), as every child of a shell's background job does.
    /// </summary>
    public async Task SignalAsync(string signal, int number)
    {
        var status = $"/proc/{_process.Id}/status";
        var mask = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        if (mask is not null
            && (ulong.Parse(mask["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (number - 1))) != 0)
        {
            Assert.Ignore($"SIG{signal} is ignored by this test run's parent (e.g. a shell's background job), so by every child; a terminal's Ctrl+C is not.");
        }

        using var kill = Process.Start("kill", ["-s", signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }

    /// <summary>The exit code; fails if the process is still running after 30 s.</summary>
    public int WaitForExit()
    {
        Assert.That(_process.WaitForExit(TimeSpan.FromSeconds(30)), Is.True, "still running; " + this);

        // The parameterless wait also drains the redirected output.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private async Task WaitForLineAsync(ConcurrentQueue<string> lines, Func<string, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!lines.Any(match))
        {
            Assert.That(_process.HasExited || DateTime.UtcNow > deadline, Is.False, "no such line; " + this);
            await Task.Delay(20);
        }
    }

    public override string ToString() => $"stdout: {string.Join(" | ", Stdout)}; stderr: {string.Join(" | ", Stderr)}";

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
    }
}
