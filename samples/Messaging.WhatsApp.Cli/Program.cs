using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Cli;

/// <summary>The entry point: wires the real console, environment and signals to <see cref="CliApp"/>.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();

        // Ctrl+C (SIGINT) and SIGTERM cancel the run, which then ends cleanly (listen exits 0). A second signal
        // is left to the runtime, which ends the process at once.
        void Stop(PosixSignalContext context)
        {
            if (!cancel.IsCancellationRequested)
            {
                context.Cancel = true;
                cancel.Cancel();
            }
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

        return await CliApp.RunAsync(args, Console.Out, Console.Error, environment: null, cancel.Token).ConfigureAwait(false);
    }
}
