using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Messaging.WhatsApp.Cli;

/// <summary>The CLI's logging, the same for the sender and the webhook host.</summary>
internal static class CliLogging
{
    /// <summary>
    /// Console logging at Warning unless <c>Logging__LogLevel__Default</c> says otherwise, all of it on stderr
    /// so that stdout carries only the result lines. ASP.NET Core's own lines (hosting, Kestrel) are logs like
    /// any other: on stderr, and only from Warning by default. Entity Framework Core's are off unless the <c>Logging</c>
    /// section names its category: it logs as an error each insert the ledger expects to be refused (a key sent again, a
    /// status delivered twice), and the CLI reports every failure of the ledger in its own line.
    /// </summary>
    /// <param name="logging">The logging builder.</param>
    /// <param name="configuration">The configuration, whose <c>Logging</c> section applies.</param>
    public static void Configure(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore", LogLevel.None)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
