using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>One in-process run of whatsapp-send: its exit code and what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>The lines written to stdout.</summary>
    public string[] StdoutLines => Lines(Stdout);

    /// <summary>The lines written to stderr.</summary>
    public string[] StderrLines => Lines(Stderr);

    /// <summary>Runs the CLI with exactly <paramref name="environment"/> as its environment (no user secrets, no process variables).</summary>
    public static async Task<CliRun> RunAsync(IDictionary<string, string?> environment, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, stdout, stderr, environment);
        return new CliRun(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the CLI with no configuration at all.</summary>
    public static Task<CliRun> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string?>(), args);

    private static string[] Lines(string text) =>
        text.Split('\n', System.StringSplitOptions.RemoveEmptyEntries | System.StringSplitOptions.TrimEntries);

    public override string ToString() => $"exit {ExitCode}; stdout: {Stdout}; stderr: {Stderr}";
}
