using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Cli;

/// <summary>The entry point: wires the real console, environment and Ctrl+C to <see cref="CliApp"/>.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };

        return await CliApp.RunAsync(args, Console.Out, Console.Error, environment: null, cancel.Token).ConfigureAwait(false);
    }
}
