using System.Diagnostics.Metrics;

namespace Messaging.WhatsApp.Ledger;

/// <summary>The ledger's metrics, on the library's meter (<c>Messaging.WhatsApp</c>), tagged <c>whatsapp.provider</c>.</summary>
internal static class LedgerTelemetry
{
    private static readonly Meter Meter = new("Messaging.WhatsApp");

    /// <summary>Sends whose unknown outcome no evidence settled by the deadline.</summary>
    public static readonly Counter<long> Unresolved = Meter.CreateCounter<long>("whatsapp.ledger.unresolved", "{message}", "Sends whose unknown outcome no evidence settled by the deadline");

    /// <summary>Unknown sends the gateway's journal shows did not go out.</summary>
    public static readonly Counter<long> NotSent = Meter.CreateCounter<long>("whatsapp.ledger.not_sent", "{message}", "Unknown sends the gateway's journal shows did not go out");

    /// <summary>Accepted messages flagged stuck: no sent status in time.</summary>
    public static readonly Counter<long> Stuck = Meter.CreateCounter<long>("whatsapp.ledger.stuck", "{message}", "Accepted messages flagged stuck: no sent status in time");

    public static void Count(Counter<long> counter, string provider) =>
        counter.Add(1, new System.Collections.Generic.KeyValuePair<string, object?>("whatsapp.provider", provider));
}
