using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>
/// An in-process run of whatsapp-send that keeps running while the test talks to it (listen, --wait): its output
/// is read as it is written, and cancelling its token is what Ctrl+C does to the process.
/// </summary>
internal sealed class BackgroundRun : IAsyncDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    private BackgroundRun(IDictionary<string, string?> environment, string[] args)
    {
        Exit = Task.Run(() => CliApp.RunAsync(args, Stdout, Stderr, environment, _cancel.Token));
    }

    public LineWriter Stdout { get; } = new();

    public LineWriter Stderr { get; } = new();

    /// <summary>The exit code, once the run ends.</summary>
    public Task<int> Exit { get; }

    public static BackgroundRun Start(IDictionary<string, string?> environment, params string[] args) => new(environment, args);

    /// <summary>The URL printed as <c>listening for &lt;provider&gt; at &lt;url&gt;</c>.</summary>
    public async Task<string> UrlForAsync(string provider)
    {
        var prefix = $"listening for {provider} at ";
        var line = await Stderr.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), Exit);
        return line[prefix.Length..];
    }

    /// <summary>The local address printed as <c>listening on &lt;url&gt;</c>.</summary>
    public async Task<Uri> LocalUrlAsync()
    {
        const string prefix = "listening on ";
        var line = await Stderr.WaitForLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), Exit);
        return new Uri(line[prefix.Length..]);
    }

    /// <summary>Cancels the run, as Ctrl+C does, and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _cancel.CancelAsync();
        return await Exit.WaitAsync(TimeSpan.FromSeconds(15));
    }

    /// <summary>The exit code of a run that ends by itself.</summary>
    public Task<int> ExitedAsync(int timeoutSeconds = 30) => Exit.WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));

    public override string ToString() => $"stdout: {Stdout.Text}; stderr: {Stderr.Text}";

    public async ValueTask DisposeAsync()
    {
        await _cancel.CancelAsync();
        try
        {
            await Exit.WaitAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // The test failed already; do not hide why.
        }

        _cancel.Dispose();
    }
}
