using NUnit.Framework;
using WireMock.Server;

namespace Messaging.WhatsApp.ContractTests;

/// <summary>
/// Starts the one WireMock server of the test run. It sits in the root namespace so that it covers every
/// test; each test resets the server before use.
/// </summary>
[SetUpFixture]
public sealed class WireMockFixture
{
    private static WireMockServer? _server;

    /// <summary>The server of this run.</summary>
    public static WireMockServer Server => _server ?? throw new System.InvalidOperationException("WireMock is not started.");

    [OneTimeSetUp]
    public void StartServer() => _server = WireMockServer.Start();

    [OneTimeTearDown]
    public void StopServer()
    {
        _server?.Stop();
        _server?.Dispose();
        _server = null;
    }
}
