using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>whatsapp-send as a real process: <c>listen</c> stops cleanly on Ctrl+C (SIGINT) and on SIGTERM.</summary>
[TestFixture]
[Platform(Exclude = "Win", Reason = "POSIX signals sent with kill(1)")]
public sealed class SignalTests
{
    private const string Token = "signal-test-webhook-token";

    [TestCase("TERM", 15)]
    [TestCase("INT", 2)]
    public async Task Listen_AsAProcess_Signal_StopsAndExits0(string signal, int number)
    {
        var start = CliProcess.DotnetStartInfo();
        foreach (var arg in new[] { Path.Combine(TestContext.CurrentContext.TestDirectory, "whatsapp-send.dll"), "listen", "--port", "0" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["GreenApi__WebhookToken"] = Token;
        var stderr = new ConcurrentQueue<string>();
        var stdout = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) => stderr.Enqueue(e.Data ?? string.Empty);
        process.OutputDataReceived += (_, e) => stdout.Enqueue(e.Data ?? string.Empty);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!stderr.Any(l => l.StartsWith("listening for green-api at ", StringComparison.Ordinal)))
            {
                Assert.That(process.HasExited || DateTime.UtcNow > deadline, Is.False, "no 'listening for' line; stderr: " + string.Join(" | ", stderr));
                await Task.Delay(20);
            }

            if (IgnoredByTheProcess(process.Id, number))
            {
                Assert.Ignore($"SIG{signal} is ignored by this test run's parent (e.g. a shell's background job), so by every child; a terminal's Ctrl+C is not.");
            }

            using (var kill = Process.Start("kill", ["-s", signal, process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var exited = process.WaitForExit(TimeSpan.FromSeconds(15));

            Assert.That(exited, Is.True, $"still running after SIG{signal}");
            Assert.That(process.ExitCode, Is.EqualTo(0), "stderr: " + string.Join(" | ", stderr));
            Assert.That(stdout.Where(l => l.Length > 0), Is.Empty);
            Assert.That(string.Join("\n", stderr), Does.Not.Contain(Token));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }

    /// <summary>Whether the process ignores the signal (Linux: the SigIgn mask of /proc/&lt;pid&gt;/status); false where unknown.</summary>
    private static bool IgnoredByTheProcess(int pid, int signal)
    {
        var status = $"/proc/{pid}/status";
        if (!File.Exists(status))
        {
            return false;
        }

        var mask = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return mask is not null
            && (ulong.Parse(mask["SigIgn:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
    }
}
