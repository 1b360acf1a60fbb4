using System;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// The child process of the cross-process tests: <c>send &lt;gateway url&gt; &lt;database&gt; &lt;key&gt; &lt;text&gt;</c> sends one text
/// through a GREEN-API sender and the ledger in that database, and prints how it ended on one line: <c>sent &lt;id&gt;</c>,
/// <c>repeat &lt;id&gt;</c>, or <c>failed &lt;exception type&gt;</c>. The test host never calls Main.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 5 || args[0] != "send")
        {
            await Console.Error.WriteLineAsync("usage: send <gateway url> <database> <key> <text>");
            return 2;
        }

        try
        {
            var result = await ChildSender.SendAsync(new Uri(args[1]), args[2], args[3], args[4]);
            Console.WriteLine((result.IsRepeat ? "repeat " : "sent ") + result.MessageId);
            return 0;
        }
        catch (WhatsAppException e)
        {
            Console.WriteLine("failed " + e.GetType().Name);
            return 1;
        }
    }
}
