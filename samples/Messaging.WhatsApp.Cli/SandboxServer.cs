using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Newtonsoft.Json.Linq;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// The embedded sandbox: a WireMock server on a free loopback port that answers sendMessage as the recorded
/// success exchanges do (the recordings are embedded in this assembly). It accepts only the credentials of
/// those recordings, which <see cref="SettingsFor"/> hands to the sender, so a send through it exercises the
/// real sender, its URL and header building, and the real HTTP stack.
/// </summary>
internal sealed class SandboxServer : IDisposable
{
    private const string MaytapiRecording = "Sandbox.maytapi.text-success.json";
    private const string GreenApiRecording = "Sandbox.green-api.text-person-success.json";

    private readonly WireMockServer _server;
    private readonly JObject _maytapi;
    private readonly JObject _greenApi;

    private SandboxServer(WireMockServer server, JObject maytapi, JObject greenApi)
    {
        _server = server;
        _maytapi = maytapi;
        _greenApi = greenApi;
    }

    /// <summary>The server's root, e.g. <c>http://127.0.0.1:50123</c>.</summary>
    public Uri Url => new(_server.Url!);

    /// <summary>Starts the sandbox.</summary>
    /// <returns>The running sandbox; dispose it to stop it.</returns>
    public static SandboxServer Start()
    {
        var maytapi = LoadRecording(MaytapiRecording);
        var greenApi = LoadRecording(GreenApiRecording);
        var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreeLoopbackPort()}"],
            StartAdminInterface = false,
            Logger = new WireMockNullLogger(),
        });

        try
        {
            var sandbox = new SandboxServer(server, maytapi, greenApi);
            sandbox.AnswerMaytapi();
            sandbox.AnswerGreenApi();
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
        var root = Url.AbsoluteUri.TrimEnd('/');
        var section = profile.SectionName + ":";
        if (profile.Provider == WhatsAppProvider.Maytapi)
        {
            var request = (JObject)_maytapi["request"]!;
            return
            [
                Setting(section + nameof(MaytapiOptions.ApiUrl), root + "/api/"),
                Setting(section + nameof(MaytapiOptions.ProductId), (string?)request["serverVariables"]!["product_id"]),
                Setting(section + nameof(MaytapiOptions.PhoneId), (string?)request["pathParameters"]!["phoneId"]),
                Setting(section + nameof(MaytapiOptions.ApiKey), (string?)request["headers"]!["x-maytapi-key"]),
            ];
        }

        var parameters = _greenApi["request"]!["pathParameters"]!;
        return
        [
            Setting(section + nameof(GreenApiOptions.ApiUrl), root),
            Setting(section + nameof(GreenApiOptions.IdInstance), (string?)parameters["idInstance"]),
            Setting(section + nameof(GreenApiOptions.ApiTokenInstance), (string?)parameters["apiTokenInstance"]),
        ];
    }

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
    }

    private void AnswerMaytapi()
    {
        var request = _maytapi["request"]!;
        var recorded = (JObject)_maytapi["response"]!;
        _server
            .Given(Request.Create()
                .UsingPost()
                .WithPath((string)request["path"]!)
                .WithHeader("x-maytapi-key", (string)request["headers"]!["x-maytapi-key"]!))
            .RespondWith(Recorded(recorded).WithBody(sent => MaytapiBody(recorded, sent)));
    }

    private void AnswerGreenApi()
    {
        var recorded = (JObject)_greenApi["response"]!;
        _server
            .Given(Request.Create()
                .UsingPost()
                .WithPath((string)_greenApi["request"]!["path"]!))
            .RespondWith(Recorded(recorded).WithBody(recorded["body"]!.ToString(Newtonsoft.Json.Formatting.None)));
    }

    /// <summary>The recorded body, with <c>data.chatId</c> naming the chat of the request, as Maytapi's does.</summary>
    private static string MaytapiBody(JObject recorded, IRequestMessage sent)
    {
        var body = (JObject)recorded["body"]!.DeepClone();
        var toNumber = sent.Body is { Length: > 0 } json ? (string?)JObject.Parse(json)["to_number"] : null;
        if (ChatAddress.TryParse(toNumber, out var chat) && body["data"] is JObject data)
        {
            data["chatId"] = chat.Id;
        }

        return body.ToString(Newtonsoft.Json.Formatting.None);
    }

    private static IResponseBuilder Recorded(JObject response)
    {
        var builder = Response.Create().WithStatusCode((int)response["status"]!);
        if (response["headers"] is JObject headers)
        {
            foreach (var header in headers.Properties())
            {
                builder = builder.WithHeader(header.Name, (string)header.Value!);
            }
        }

        return builder;
    }

    private static JObject LoadRecording(string name)
    {
        using var stream = typeof(SandboxServer).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The sandbox recording {name} is not embedded in the CLI.");
        using var reader = new StreamReader(stream);
        return JObject.Parse(reader.ReadToEnd());
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static KeyValuePair<string, string?> Setting(string key, string? value) => KeyValuePair.Create(key, value);
}
