using System;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading.Tasks;
using Messaging.WhatsApp.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests.Receiving;

/// <summary>
/// Who may post a notification: GREEN-API's token in the Authorization header (Bearer, Basic or bare, any case
/// of the scheme), Maytapi's secret as the query parameter <c>secret</c>, each compared exactly. Anything else is a 401
/// given before the body is read, with nothing dispatched.
/// </summary>
public sealed class WebhookAuthenticationTests
{
    private const string Token = "green-webhook-token-7Hq2";
    private const string OtherToken = "green-other-token-Pz91";
    private const string Secret = "Maytapi-Secret-4e1f-Xy_z.~9";

    private static readonly string[] BearerChallenge = ["Bearer"];
    private static readonly string[] OtherInstance = ["other"];

    private WebhookHost _host = null!;
    private byte[] _greenBody = null!;
    private byte[] _maytapiBody = null!;

    [OneTimeSetUp]
    public async Task StartHost()
    {
        _host = await WebhookHost.StartAsync(services =>
        {
            services.AddGreenApiWebhook(o => o.WebhookToken = Token);
            services.AddGreenApiWebhook("other", o => o.WebhookToken = OtherToken);
            services.AddMaytapiWebhook(o => o.WebhookSecret = Secret);
        });
        _greenBody = NotificationRecording.Of("green-api").First(r => r.Updates.Count == 1).Body;
        _maytapiBody = NotificationRecording.Of("maytapi").First(r => r.Updates.Count == 1).Body;
    }

    [OneTimeTearDown]
    public async Task StopHost() => await _host.DisposeAsync();

    [SetUp]
    public void Clear() => _host.Received.Clear();

    [TestCase("Bearer {0}")]
    [TestCase("bearer {0}")]
    [TestCase("BEARER {0}")]
    [TestCase("Basic {0}")]
    [TestCase("basic {0}")]
    [TestCase("{0}")]
    [TestCase("Bearer    {0}")]
    [TestCase("   Bearer {0}   ")]
    public async Task Post_GreenApiTokenInAnAcceptedForm_200AndDispatched(string form)
    {
        var status = await _host.StatusOfPostAsync("/whatsapp/green-api", _greenBody, string.Format(System.Globalization.CultureInfo.InvariantCulture, form, Token));

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Received.Dispatched, Has.Count.EqualTo(1));
        });
    }

    [TestCase(null, TestName = "Post_GreenApiNoAuthorizationHeader_401ChallengeNothingDispatched")]
    [TestCase("", TestName = "Post_GreenApiEmptyAuthorizationHeader_401ChallengeNothingDispatched")]
    [TestCase("Bearer", TestName = "Post_GreenApiSchemeOnly_401ChallengeNothingDispatched")]
    [TestCase("Bearer ", TestName = "Post_GreenApiSchemeAndSpace_401ChallengeNothingDispatched")]
    [TestCase("Bearer wrong-token", TestName = "Post_GreenApiWrongToken_401ChallengeNothingDispatched")]
    [TestCase("Bearer {0}x", TestName = "Post_GreenApiTokenWithASuffix_401ChallengeNothingDispatched")]
    [TestCase("Bearer x{0}", TestName = "Post_GreenApiTokenWithAPrefix_401ChallengeNothingDispatched")]
    [TestCase("Bearer {1}", TestName = "Post_GreenApiTokenInUpperCase_401ChallengeNothingDispatched")]
    [TestCase("Bearer {2}", TestName = "Post_GreenApiTokenCutShort_401ChallengeNothingDispatched")]
    [TestCase("Bearer {0} {0}", TestName = "Post_GreenApiTokenTwice_401ChallengeNothingDispatched")]
    [TestCase("Bearer Bearer {0}", TestName = "Post_GreenApiSchemeTwice_401ChallengeNothingDispatched")]
    [TestCase("Token {0}", TestName = "Post_GreenApiOtherScheme_401ChallengeNothingDispatched")]
    [TestCase("Basic {3}", TestName = "Post_GreenApiBase64Token_401ChallengeNothingDispatched")]
    [TestCase("Bearer {4}", TestName = "Post_GreenApiTokenOfAnotherInstance_401ChallengeNothingDispatched")]
    [TestCase("Bearer {5}", TestName = "Post_GreenApiMaytapiSecret_401ChallengeNothingDispatched")]
    public async Task Post_GreenApiWrongCredential_401ChallengeNothingDispatched(string? form)
    {
        var header = form is null ? null : string.Format(
            System.Globalization.CultureInfo.InvariantCulture,
            form,
            Token,
            Token.ToUpperInvariant(),
            Token[..^1],
            Convert.ToBase64String(Encoding.UTF8.GetBytes(Token)),
            OtherToken,
            Secret);

        using var response = await _host.PostAsync("/whatsapp/green-api", _greenBody, header);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(response.Headers.WwwAuthenticate.Select(h => h.Scheme), Is.EqualTo(BearerChallenge));
            Assert.That(_host.Received.Notifications, Is.Empty);
            Assert.That(_host.Received.Updates, Is.Empty);
        });
    }

    [Test]
    public async Task Post_GreenApiNamedInstanceWithTheDefaultToken_401()
    {
        var toNamed = await _host.StatusOfPostAsync("/whatsapp/green-api/other", _greenBody, "Bearer " + Token);
        var toNamedWithItsOwn = await _host.StatusOfPostAsync("/whatsapp/green-api/other", _greenBody, "Bearer " + OtherToken);

        Assert.Multiple(() =>
        {
            Assert.That(toNamed, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(toNamedWithItsOwn, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(_host.Received.Dispatched.Select(n => n.Context.RegistrationName), Is.EqualTo(OtherInstance));
        });
    }

    [Test]
    public async Task Post_GreenApiTwoAuthorizationHeadersOneRight_401()
    {
        await using var client = await RawHttpClient.ConnectAsync(_host.BaseUrl);
        await client.WriteAsync(RawHttpClient.Head(
            "POST",
            "/whatsapp/green-api",
            ("Authorization", "Bearer wrong"),
            ("Authorization", "Bearer " + Token),
            ("Content-Type", "application/json"),
            ("Content-Length", _greenBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        await client.WriteAsync(_greenBody);

        var response = await client.ReadResponseAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(401));
            Assert.That(_host.Received.Notifications, Is.Empty);
        });
    }

    [TestCase("green-api", "/whatsapp/green-api", "Bearer wrong")]
    [TestCase("green-api", "/whatsapp/green-api", null)]
    [TestCase("maytapi", "/whatsapp/maytapi?secret=wrong-secret-wrong-secret", null)]
    [TestCase("maytapi", "/whatsapp/maytapi", null)]
    public async Task Post_UnauthorizedWithTheBodyNeverSent_401WithoutWaitingForTheBody(string provider, string path, string? authorization)
    {
        await using var client = await RawHttpClient.ConnectAsync(_host.BaseUrl);
        var headers = authorization is null
            ? new[] { ("Content-Type", "application/json"), ("Content-Length", "5000") }
            : new[] { ("Authorization", authorization), ("Content-Type", "application/json"), ("Content-Length", "5000") };
        await client.WriteAsync(RawHttpClient.Head("POST", path, headers));

        // Only the head was sent: an answer proves the endpoint did not wait for the 5,000 bytes announced.
        var response = await client.ReadResponseAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response?.Status, Is.EqualTo(401), provider);
            Assert.That(_host.Received.Notifications, Is.Empty);
        });
    }

    [TestCase("?secret={0}", HttpStatusCode.OK, TestName = "Post_MaytapiRightSecret_200")]
    [TestCase("/?secret={0}", HttpStatusCode.OK, TestName = "Post_MaytapiRightSecretTrailingSlash_200")]
    [TestCase("?SECRET={0}", HttpStatusCode.OK, TestName = "Post_MaytapiRightSecretParameterNameInUpperCase_200")]
    [TestCase("?other=1&secret={0}&utm=x", HttpStatusCode.OK, TestName = "Post_MaytapiRightSecretAmongOtherParameters_200")]
    [TestCase("?secret=wrong-secret-wrong-secret", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiWrongSecret_401")]
    [TestCase("?secret={1}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretInUpperCase_401")]
    [TestCase("?secret={2}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretInLowerCase_401")]
    [TestCase("?secret={0}x", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretWithASuffix_401")]
    [TestCase("?secret={3}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretCutShort_401")]
    [TestCase("?secret={4}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiGreenApiTokenAsSecret_401")]
    [TestCase("?secret=%20{0}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretWithAnEncodedSpace_401")]
    [TestCase("?secret={0}&secret={0}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretTwice_401")]
    [TestCase("?secret=x&secret={0}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiWrongThenRightSecret_401")]
    [TestCase("?token={0}", HttpStatusCode.Unauthorized, TestName = "Post_MaytapiSecretUnderAnotherName_401")]
    [TestCase("/{0}", HttpStatusCode.NotFound, TestName = "Post_MaytapiSecretAsAPathSegment_404")]
    [TestCase("/extra?secret={0}", HttpStatusCode.NotFound, TestName = "Post_MaytapiSecretAndAnotherSegment_404")]
    public async Task Post_MaytapiSecretQuery_OnlyTheExactSecretOpens(string rest, HttpStatusCode expected)
    {
        var path = "/whatsapp/maytapi" + string.Format(
            System.Globalization.CultureInfo.InvariantCulture, rest, Secret, Secret.ToUpperInvariant(), Secret.ToLowerInvariant(), Secret[..^1], Token);

        var status = await _host.StatusOfPostAsync(path, _maytapiBody);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(expected));
            Assert.That(_host.Received.Dispatched, Has.Count.EqualTo(expected == HttpStatusCode.OK ? 1 : 0));
        });
    }

    [TestCase("/whatsapp/maytapi", TestName = "Post_MaytapiWithoutSecret_401")]
    [TestCase("/whatsapp/maytapi/", TestName = "Post_MaytapiWithoutSecretTrailingSlash_401")]
    [TestCase("/whatsapp/maytapi?secret=", TestName = "Post_MaytapiWithEmptySecret_401")]
    [TestCase("/whatsapp/maytapi?secret", TestName = "Post_MaytapiWithSecretNameOnly_401")]
    [TestCase("/whatsapp/maytapi#secret=" + Secret, TestName = "Post_MaytapiSecretInTheFragment_401")]
    public async Task Post_MaytapiNoSecretInTheQuery_401(string path)
    {
        var status = await _host.StatusOfPostAsync(path, _maytapiBody);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(_host.Received.Notifications, Is.Empty);
        });
    }

    [Test]
    public async Task Post_MaytapiSecretButGreenApiHeaderOnTheGreenApiPath_401()
    {
        var status = await _host.StatusOfPostAsync("/whatsapp/green-api", _greenBody, Secret);

        Assert.That(status, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Get_RightCredentials_NotDispatched()
    {
        using var green = new System.Net.Http.HttpRequestMessage(System.Net.Http.HttpMethod.Get, "whatsapp/green-api");
        green.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Token);
        using var greenResponse = await _host.Client.SendAsync(green);
        using var maytapiResponse = await _host.Client.GetAsync("whatsapp/maytapi?secret=" + Secret);

        Assert.Multiple(() =>
        {
            Assert.That(greenResponse.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(maytapiResponse.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
            Assert.That(_host.Received.Notifications, Is.Empty);
        });
    }
}
