using System.Threading.Tasks;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.PostgreSql.Tests;

/// <summary>One PostgreSQL server for the tests of this assembly (each test or fixture makes its own database on it), stopped at the end.</summary>
[SetUpFixture]
public sealed class PostgresFixture
{
    private static PostgresServer? _server;

    internal static PostgresServer Server => _server ?? throw new System.InvalidOperationException("The PostgreSQL server did not start; see the set-up failure.");

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await PostgresServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
