using System;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// The replica processes of the kill tests: <c>replica &lt;gateway url&gt; &lt;name&gt;</c> (the connection string in the
/// environment variable <c>WHATSAPP_LEDGER_CONNECTION</c>, never on a command line) runs a generic host with a GREEN-API
/// sender and the ledger on PostgreSQL, dispatching the outbox and reconciling (see <see cref="Replica"/>). The test host
/// never calls Main.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length < 3 || args[0] != "replica")
        {
            await Console.Error.WriteLineAsync("usage: replica <gateway url> <name> [resend-not-sent]");
            return 2;
        }

        var connectionString = Environment.GetEnvironmentVariable("WHATSAPP_LEDGER_CONNECTION");
        if (string.IsNullOrEmpty(connectionString))
        {
            await Console.Error.WriteLineAsync("WHATSAPP_LEDGER_CONNECTION is not set");
            return 2;
        }

        return await Replica.RunAsync(new Uri(args[1]), args[2], connectionString, resendNotSent: args.Length > 3 && args[3] == "resend-not-sent");
    }
}
