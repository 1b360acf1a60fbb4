using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The embedded sandbox: a WireMock server on a free loopback port that answers each provider's sendMessage
/// as its recorded success exchange does (for a send recorded in the ledger, with a message id of its own for each
/// message, as a gateway names each message once: the ledger joins statuses to records by the id); and its state
/// operation (for <c>state</c>) as a recorded ready instance (the recordings of specs/recordings, embedded in this
/// assembly). It
/// accepts only the credentials of those recordings, which <see cref="SettingsFor"/> hands to the sender, so a
/// send through it exercises the real sender, its URL and header building, and the real HTTP stack. Like the
/// gateway, it then posts the message's notifications to a webhook (<see cref="DeliverStatusesAsync"/>): the
/// recorded ones, with the recorded credential, which <see cref="SettingsFor"/> hands to the webhook endpoint.
/// </summary>
internal sealed class SandboxServer : IDisposable
{
    private readonly WireMockServer _server;
    private readonly Dictionary<ProviderProfile, RecordedExchange> _recordings;
    private readonly Dictionary<ProviderProfile, IReadOnlyList<RecordedExchange>> _notifications;
    private readonly bool _newMessageIds;
    private readonly HttpClient _webhookClient = new();

    private SandboxServer(
        WireMockServer server,
        Dictionary<ProviderProfile, RecordedExchange> recordings,
        Dictionary<ProviderProfile, IReadOnlyList<RecordedExchange>> notifications,
        bool newMessageIds)
    {
        _server = server;
        _recordings = recordings;
        _notifications = notifications;
        _newMessageIds = newMessageIds;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:50123/</c>.</summary>
    public Uri Url => new(_server.Url! + "/");

    /// <summary>Starts the sandbox, answering for every provider the CLI knows.</summary>
    /// <param name="newMessageIds">
    /// True: each message gets an id of its own, as a gateway names each message once (a send with <c>--key</c>: the
    /// ledger joins statuses to records by the id, and one file keeps many sandbox sends). False: the recorded id, so
    /// that a plain send prints the same line on every machine.
    /// </param>
    /// <returns>The running sandbox; dispose it to stop it.</returns>
    public static SandboxServer Start(bool newMessageIds = false)
    {
        var recordings = ProviderProfile.All.ToDictionary(p => p, p => RecordedExchange.Load(p.SandboxRecording));
        var notifications = ProviderProfile.All.ToDictionary(
            p => p, IReadOnlyList<RecordedExchange> (p) => p.Webhook.SandboxNotifications.Select(RecordedExchange.Load).ToList());
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
        });

        try
        {
            var sandbox = new SandboxServer(server, recordings, notifications, newMessageIds);
            foreach (var (profile, recording) in recordings)
            {
                sandbox.Answer(recording, response => response.WithBody(sent => profile.SandboxBody(recording, sent, sandbox._newMessageIds)));

                // The instance's state: the recorded response as it is.
                var state = RecordedExchange.Load(profile.SandboxStateRecording);
                sandbox.Answer(state, response => response.WithBody(state.ResponseBody));
            }

            return sandbox;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The settings that point <paramref name="profile"/>'s sender at this sandbox with its fake credentials, and
    /// give its webhook endpoint the credential the sandbox's notifications present.
    /// </summary>
    /// <param name="profile">The provider.</param>
    /// <returns>Configuration keys (with ':' separators) and values.</returns>
    public IEnumerable<KeyValuePair<string, string?>> SettingsFor(ProviderProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var webhookSecret = KeyValuePair.Create(profile.Webhook.SecretKey, profile.Webhook.SandboxSecret(_notifications[profile][0]));
        return profile.SandboxSettings(_recordings[profile], Url)
            .Append(webhookSecret)
            .Select(setting => KeyValuePair.Create(profile.SectionName + ":" + setting.Key, setting.Value));
    }

    /// <summary>
    /// Posts the message's <c>sent</c> then <c>delivered</c> notifications to <paramref name="webhookUrl"/>, as the
    /// gateway does to the URL set in its console: the recorded notifications, with their headers (GREEN-API's
    /// token among them), reporting on <paramref name="sent"/> now.
    /// </summary>
    /// <param name="profile">The provider.</param>
    /// <param name="sent">What the send returned.</param>
    /// <param name="webhookUrl">The URL the webhook endpoint is reached at, with its secret if it has one.</param>
    /// <param name="cancellationToken">Stops the deliveries.</param>
    /// <returns>A task that completes when every notification was accepted.</returns>
    /// <exception cref="InvalidOperationException">The endpoint did not answer 2xx.</exception>
    public async Task DeliverStatusesAsync(ProviderProfile profile, SendResult sent, Uri webhookUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(sent);
        foreach (var recording in _notifications[profile])
        {
            var body = profile.Webhook.SandboxNotification(recording.RequestBody, sent, DateTimeOffset.UtcNow);
            using var request = new HttpRequestMessage(new HttpMethod(recording.Method), webhookUrl)
            {
                Content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(body.ToString(Newtonsoft.Json.Formatting.None))),
            };
            foreach (var (name, value) in recording.RequestHeaders)
            {
                if (!request.Headers.TryAddWithoutValidation(name, value))
                {
                    request.Content.Headers.TryAddWithoutValidation(name, value);
                }
            }

            using var response = await _webhookClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"the sandbox's {profile.DisplayName} notification was refused by the webhook endpoint with HTTP {(int)response.StatusCode}");
            }
        }
    }

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        _webhookClient.Dispose();
        _server.Stop();
        _server.Dispose();
    }

    /// <summary>
    /// Answers the recorded request (path and headers, the credentials among them) with the recorded status and
    /// headers, and the body <paramref name="withBody"/> puts on the response.
    /// </summary>
    private void Answer(RecordedExchange recording, Func<IResponseBuilder, IResponseBuilder> withBody)
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

        _server.Given(request).RespondWith(withBody(response));
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
