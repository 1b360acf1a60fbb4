using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The embedded sandbox: a WireMock server on a free loopback port that answers each provider's sendMessage
/// as its recorded success exchange does (the recordings of specs/recordings, embedded in this assembly). It
/// accepts only the credentials of those recordings, which <see cref="SettingsFor"/> hands to the sender, so a
/// send through it exercises the real sender, its URL and header building, and the real HTTP stack.
/// </summary>
internal sealed class SandboxServer : IDisposable
{
    private readonly WireMockServer _server;
    private readonly Dictionary<ProviderProfile, RecordedExchange> _recordings;

    private SandboxServer(WireMockServer server, Dictionary<ProviderProfile, RecordedExchange> recordings)
    {
        _server = server;
        _recordings = recordings;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public Uri Url => new(_server.Url! + "/");

    /// <summary>Starts the sandbox, answering for every provider the CLI knows.</summary>
    /// <returns>The running sandbox; dispose it to stop it.</returns>
    public static SandboxServer Start()
    {
        var recordings = ProviderProfile.All.ToDictionary(p => p, p => RecordedExchange.Load(p.SandboxRecording));
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
        });

        try
        {
            var sandbox = new SandboxServer(server, recordings);
            foreach (var (profile, recording) in recordings)
            {
                sandbox.Answer(profile, recording);
            }

            return sandbox;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>The settings that point <paramref name="profile"/>'s sender at this sandbox with its fake credentials.</summary>
    /// <param name="profile">The provider.</param>
    /// <returns>Configuration keys (with ':' separators) and values.</returns>
    public IEnumerable<KeyValuePair<string, string?>> SettingsFor(ProviderProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return profile.SandboxSettings(_recordings[profile], Url)
            .Select(setting => KeyValuePair.Create(profile.SectionName + ":" + setting.Key, setting.Value));
    }

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private void Answer(ProviderProfile profile, RecordedExchange recording)
    {
        // Only requests that carry what was recorded: the path (a token in it) and every header (a key among them).
        var request = Request.Create().UsingMethod(recording.Method).WithPath(recording.Path);
        foreach (var (name, value) in recording.RequestHeaders)
        {
            request = request.WithHeader(name, value);
        }

        var response = Response.Create().WithStatusCode(recording.Status);
        foreach (var (name, value) in recording.ResponseHeaders)
        {
            response = response.WithHeader(name, value);
        }

        _server.Given(request).RespondWith(response.WithBody(sent => profile.SandboxBody(recording, sent)));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
