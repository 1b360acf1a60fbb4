using System;
using System.Threading;
using Messaging.WhatsApp;

namespace Messaging.WhatsApp.Ledger;

/// <summary>
/// What the ledger's parts of one process share: its name as a lease owner, the outbox send under way on this flow of
/// work (the dispatcher claims a record and then sends it through the sender; the recorder then takes that record
/// instead of looking the key up), and a record's chat in one spelling.
/// </summary>
internal static class LedgerProcess
{
    private static readonly AsyncLocal<long?> Dispatching = new();

    /// <summary>This process, as the owner of the sends it leases: unique per process start.</summary>
    public static string Owner { get; } = Environment.MachineName + "/" + Environment.ProcessId + "/" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The outbox record the dispatcher is sending on this flow of work, or null.</summary>
    public static long? DispatchedRecord
    {
        get => Dispatching.Value;
        set => Dispatching.Value = value;
    }

    /// <summary>The chat as <see cref="ChatAddress.Id"/> spells it when it is one (Maytapi's <c>905301234567</c> and its notifications' <c>905301234567@c.us</c> alike), else as given.</summary>
    public static string Chat(string chat) => ChatAddress.TryParse(chat, out var address) ? address.Id : chat;
}
