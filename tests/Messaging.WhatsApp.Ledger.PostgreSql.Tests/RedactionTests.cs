using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Ledger.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>
/// The connection string holds a password: it is never in an exception (its message, its inner exceptions) or a log
/// line, whether the string is malformed, the password is wrong, or the server does not answer; and nothing is sent
/// while the ledger cannot be written. Also: the test server's harness says how to install PostgreSQL when it is missing.
/// </summary>
public sealed class RedactionTests
{
    [Test]
    public void AddWhatsAppLedgerPostgreSql_MalformedConnectionString_RefusedNamingTheParameter_NotRepeatingTheString()
    {
        const string Password = "s3cret-Pa55word";
        var malformed = new[] { $"Host=db;Password={Password};Port=not-a-port", $"Host=db;Password={Password};Frobnicate=yes", $"Host=db;Password=\"{Password}" };

        var errors = malformed.Select(m => Assert.Throws<ArgumentException>(() => new ServiceCollection().AddWhatsAppLedgerPostgreSql(m))!).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.ParamName), Has.All.EqualTo("connectionString"));
            Assert.That(errors.Select(e => e.ToString()), Has.None.Contains(Password));
            Assert.That(errors.Select(e => e.ToString()), Has.None.Contains("not-a-port"));
            Assert.That(errors.Select(e => e.Message), Has.All.Contains("malformed"));
        });
    }

    [TestCase("wrong password")]
    [TestCase("no server")]
    public async Task Send_LedgerCannotConnect_FailsTypedNothingSent_ThePasswordInNoExceptionAndNoLogLine(string failure)
    {
        var server = PostgresFixture.Server;
        var builder = new NpgsqlConnectionStringBuilder(await server.CreateDatabaseAsync()) { Timeout = 5 };
        if (failure == "wrong password")
        {
            builder.Password = "wrong-" + server.Password;
        }
        else
        {
            builder.Port = ClosedPort();
        }

        var password = builder.Password!;
        var logs = new CapturedLogs();
        var gateway = new ScriptedGateway();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        services.AddGreenApi(o =>
        {
            o.ApiUrl = new Uri("http://gateway.invalid/");
            o.IdInstance = PgHost.IdInstance;
            o.ApiTokenInstance = PgHost.Token;
        }).ConfigurePrimaryHttpMessageHandler(() => gateway);
        services.AddWhatsAppLedgerPostgreSql(builder.ConnectionString, o =>
        {
            o.DispatchOutbox = true;
            o.DispatchInterval = TimeSpan.FromMilliseconds(100);
        });
        await using var provider = services.BuildServiceProvider();

        var error = Assert.ThrowsAsync<WhatsAppLedgerUnavailableException>(() => provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(PgHost.ChatA, "Hi", null, new SendOptions { IdempotencyKey = "k-down" }))!;
        var migrate = Assert.CatchAsync(() => provider.MigrateWhatsAppLedgerAsync())!;
        var dispatcher = provider.GetRequiredService<LedgerDispatcher>();
        await dispatcher.StartAsync(CancellationToken.None);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!logs.Lines.Any(l => l.Line.Contains("dispatcher failed", StringComparison.Ordinal)) && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(50);
        }

        await dispatcher.StopAsync(CancellationToken.None);

        Assert.Multiple(() =>
        {
            Assert.That(error.IsSafeToRetry, Is.True);
            Assert.That(Chain(error).OfType<NpgsqlException>(), Is.Not.Empty, "PostgreSQL's failure is kept as an inner exception");
            Assert.That(gateway.Count, Is.Zero, "nothing sent while the ledger cannot record it");
            Assert.That(logs.Lines.Select(l => l.Line), Has.Some.Contains("dispatcher failed"), "the dispatcher's failure was logged");
            Assert.That(error.ToString(), Does.Not.Contain(password));
            Assert.That(migrate.ToString(), Does.Not.Contain(password));
            Assert.That(logs.Lines.Select(l => l.Line), Has.None.Contains(password));
            Assert.That(logs.Lines.Select(l => l.Line), Has.None.Contains(server.Password));
        });
    }

    [Test]
    public void Harness_PostgreSqlNotInstalled_SaysHowToInstallIt()
    {
        var empty = Directory.CreateTempSubdirectory("whatsapp-pg-missing-");
        try
        {
            var error = Assert.ThrowsAsync<InvalidOperationException>(() => PostgresServer.StartAsync(binDirectory: empty.FullName))!;

            Assert.That(error.Message, Does.Contain("apt-get install postgresql").And.Contain(empty.FullName));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    private static System.Collections.Generic.IEnumerable<Exception> Chain(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
