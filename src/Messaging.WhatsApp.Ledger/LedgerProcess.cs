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
    private static readonly AsyncLocal<DispatchedSend?> Dispatching = new();

    /// <summary>This process, as the owner of the sends it leases: unique per process start.</summary>
    public static string Owner { get; } = Environment.MachineName + "/" + Environment.ProcessId + "/" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The outbox send the dispatcher has under way on this flow of work, or null.</summary>
    public static DispatchedSend? Dispatched
    {
        get => Dispatching.Value;
        set => Dispatching.Value = value;
    }

    /// <summary>The chat as <see cref="ChatAddress.Id"/> spells it when it is one (Maytapi's <c>905301234567</c> and its notifications' <c>905301234567@c.us</c> alike), else as given.</summary>
    public static string Chat(string chat) => ChatAddress.TryParse(chat, out var address) ? address.Id : chat;
}

/// <summary>
/// An outbox record being sent: set by the dispatcher, marked <see cref="Began"/> by the recorder once it has renewed
/// the lease and so answers for recording how the send ended (a mutable box, as the recorder runs deeper in the flow).
/// </summary>
internal sealed class DispatchedSend(long id)
{
    public long Id { get; } = id;

    /// <summary>Whether the recorder took the send over; until then nothing was sent.</summary>
    public bool Began { get; set; }
}
