using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>What the ledger's handler heard: each call's kind and record key.</summary>
internal sealed class RecordingHandler
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _calls = new();

    public System.Collections.Generic.IReadOnlyList<string> Calls => [.. _calls];

    internal sealed class Scoped(RecordingHandler recorder) : IWhatsAppLedgerHandler
    {
        public Task OnUnresolvedAsync(LedgerRecord record, CancellationToken cancellationToken) => Add("unresolved", record);

        public Task OnNotSentAsync(LedgerRecord record, CancellationToken cancellationToken) => Add("not sent", record);

        public Task OnStuckAsync(LedgerRecord record, CancellationToken cancellationToken) => Add("stuck", record);

        private Task Add(string kind, LedgerRecord record)
        {
            recorder._calls.Enqueue(kind + " " + record.IdempotencyKey);
            return Task.CompletedTask;
        }
    }
}
