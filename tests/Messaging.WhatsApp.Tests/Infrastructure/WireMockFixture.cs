using NUnit.Framework;
using WireMock.Server;

namespace Messaging.WhatsApp.Tests;

/// <summary>The one WireMock server of the run, in the root namespace so that it covers every test.</summary>
[SetUpFixture]
public sealed class WireMockFixture
{
    private static WireMockServer? _server;

    public static WireMockServer Server => _server ?? throw new System.InvalidOperationException("WireMock is not started.");

    [OneTimeSetUp]
    public void Start() => _server = WireMockServer.Start();

    [OneTimeTearDown]
    public void Stop()
    {
        _server?.Stop();
        _server?.Dispose();
        _server = null;
    }
}
