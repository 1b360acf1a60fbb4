using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.ContractTests.Harness;
using Newtonsoft.Json.Linq;
using NUnit.Framework;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Messaging.WhatsApp.ContractTests;

/// <summary>
/// Holds one provider's spec and generated client against every recorded exchange of that provider:
/// one new file under Recordings/, four new tests. The recording's <c>operation</c> selects the spec's
/// operation (request schema, parameters, declared statuses) and the generated client method.
/// </summary>
public abstract class ContractTests<TContract>
    where TContract : ProviderContract, new()
{
    private static readonly TimeSpan SendTimeout = TimeSpan.FromSeconds(30);

    protected TContract Contract { get; } = new();

    protected ContractSpec Spec { get; private set; } = null!;

    public static IEnumerable<string> Recordings() => new TContract().RecordingNames;

    [OneTimeSetUp]
    public async Task LoadSpec() => Spec = await ContractSpec.LoadAsync(Contract.SpecFile);

    [TestCaseSource(nameof(Recordings))]
    public void Recording_AnyExchange_StatesSourceSummaryOutcomeAndOperation(string recording)
    {
        var exchange = Contract.Load(recording);

        Assert.Multiple(() =>
        {
            Assert.That(exchange.Source, Is.Not.Empty, "source");
            Assert.That(exchange.Summary, Is.Not.Empty, "summary");
            Assert.That(exchange.Outcome, Is.Not.Empty, "outcome (the facade tests check it)");
            Assert.That(exchange.Outcome == "success", Is.EqualTo(exchange.Status is >= 200 and < 300 && exchange.Name.EndsWith("-success", StringComparison.Ordinal)), "a success is a 2xx recording named *-success");
            Assert.That(Spec.HasOperation(exchange.Operation), Is.True, $"operation '{exchange.Operation}' is one the spec declares");
        });
    }

    [TestCaseSource(nameof(Recordings))]
    public void Request_RecordedExchange_IsDescribedBySpecUnlessRecordedAsRefused(string recording)
    {
        var exchange = Contract.Load(recording);
        var operation = Spec.Operation(exchange.Operation);

        Assert.Multiple(() =>
        {
            Assert.That(exchange.Method, Is.EqualTo(operation.Method).IgnoreCase, "method");
            Assert.That(exchange.Path, Is.EqualTo(ServerPrefix(exchange) + operation.ExpandPath(exchange.PathParameters)), "path: the server's base path and the operation's path with the recorded parameters");
            Assert.That(operation.ValidateParameters(exchange.PathParameters, exchange.Query), Is.Empty, "path and query parameters");
            Assert.That(exchange.RequestBody is not null, Is.EqualTo(operation.RequestSchema is not null), "a request body is recorded exactly when the operation declares one");
        });

        if (exchange.RequestBody is null)
        {
            Assert.That(exchange.RequestViolatesSpec, Is.False, "only a request body can be recorded as violating the spec");
            return;
        }

        var errors = operation.ValidateRequest(exchange.RequestBody);

        if (exchange.RequestViolatesSpec)
        {
            Assert.Multiple(() =>
            {
                Assert.That(exchange.Status, Is.EqualTo(400), "only a request the provider refused may violate the spec");
                Assert.That(errors, Is.Not.Empty, "the spec must forbid a request the provider refuses");
            });
        }
        else
        {
            Assert.That(errors.Select(e => e.ToString()), Is.Empty);
        }
    }

    [TestCaseSource(nameof(Recordings))]
    public void ResponseBody_RecordedExchange_IsDescribedBySpec(string recording)
    {
        var exchange = Contract.Load(recording);

        Assert.That(Spec.Operation(exchange.Operation).ValidateResponse(exchange), Is.Empty);
    }

    [TestCaseSource(nameof(Recordings))]
    public async Task Client_RecordedExchange_SendsTheRequestAndSurfacesTheResponse(string recording)
    {
        var exchange = Contract.Load(recording);
        var server = WireMockFixture.Server;
        server.Reset();
        var stub = Request.Create().WithPath(exchange.Path).UsingMethod(exchange.Method);
        foreach (var (name, value) in exchange.QueryStrings)
        {
            stub = stub.WithParam(name, value);
        }

        server.Given(stub).RespondWith(RecordedResponse(exchange));

        using var http = new HttpClient
        {
            BaseAddress = new Uri(server.Url!.TrimEnd('/') + Spec.ServerBasePath(exchange.ServerVariables)),
        };
        foreach (var header in Spec.ApiKeyHeaders)
        {
            Assert.That(exchange.RequestHeaders, Contains.Key(header), $"the spec's apiKey header '{header}' is recorded");
            http.DefaultRequestHeaders.Add(header, exchange.RequestHeaders[header]);
        }

        using var timeout = new CancellationTokenSource(SendTimeout);
        object? result = null;
        Exception? failure = null;
        try
        {
            result = await Contract.SendAsync(http, exchange, timeout.Token);
        }
        catch (Exception e) when (Contract.ExceptionType.IsInstanceOfType(e))
        {
            failure = e;
        }

        var entries = server.LogEntries.ToList();
        Assert.That(entries, Has.Count.EqualTo(1), "requests received");
        var received = entries[0].RequestMessage
            ?? throw new AssertionException("WireMock logged no request message.");
        Assert.Multiple(() =>
        {
            Assert.That(received.Method, Is.EqualTo(exchange.Method).IgnoreCase, "method");
            Assert.That(received.Path, Is.EqualTo(exchange.Path), "path");
            foreach (var (name, value) in exchange.RequestHeaders)
            {
                Assert.That(received.Headers, Contains.Key(name), $"header {name}");
                if (received.Headers is not null && received.Headers.TryGetValue(name, out var values))
                {
                    Assert.That(string.Join(", ", values), Is.EqualTo(value), $"header {name}");
                }
            }

            Assert.That(ReceivedQuery(received), Is.EquivalentTo(exchange.QueryStrings), "query parameters");

            // The client leaves an optional field out rather than sending null, which the providers treat
            // the same; a recording may show either.
            if (exchange.RequestBody is null)
            {
                Assert.That(received.Body, Is.Null.Or.Empty, "no request body");
            }
            else
            {
                Assert.That(
                    JToken.DeepEquals(Json.Parse(received.Body ?? "null"), WithoutNulls(exchange.RequestBody)),
                    Is.True,
                    $"request body as a JSON tree; sent {received.Body}");
            }
        });

        if (exchange.Status is >= 200 and < 300 && !Spec.Operation(exchange.Operation).AnswersWithALaterOneOfBranch(exchange))
        {
            Assert.That(failure, Is.Null, "a 2xx is returned, not thrown");
            AssertSameJson(result, exchange.ResponseJson, "returned result");
            return;
        }

        // Any other status, and a 2xx in a oneOf branch other than the first (the one the generated method returns:
        // Maytapi's listPhones answers its failure envelope with 200), throws with the status and the raw body.
        Assert.That(failure, Is.Not.Null, $"HTTP {exchange.Status} must throw {Contract.ExceptionType.Name}");
        var status = (int)Contract.ExceptionType.GetProperty("StatusCode")!.GetValue(failure)!;
        var response = (string?)Contract.ExceptionType.GetProperty("Response")!.GetValue(failure);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(exchange.Status), "StatusCode");
            Assert.That(response ?? string.Empty, Is.EqualTo(exchange.ResponseBodyText), "Response");
        });

        // A status whose body the spec types (Maytapi's envelope, GREEN-API's 400 and 466) throws the
        // generic exception, whose Result must carry the parsed body.
        var typedResult = failure!.GetType().GetProperty("Result")?.GetValue(failure);
        if (typedResult is not null)
        {
            AssertSameJson(typedResult, exchange.ResponseJson ?? new JValue(exchange.ResponseText), "exception Result");
        }
    }

    [Test]
    public void Spec_EveryDeclaredStatus_HasARecording()
    {
        var recorded = Recordings().Select(Contract.Load)
            .GroupBy(e => e.Operation, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Status.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToHashSet(), StringComparer.Ordinal);

        var missing = Spec.Operations
            .SelectMany(o => o.DeclaredStatuses
                .Where(s => !recorded.TryGetValue(o.Id, out var statuses) || !statuses.Contains(s))
                .Select(s => $"{o.Id} {s}"));

        Assert.That(missing, Is.Empty, "operation and status without a recording");
    }

    [Test]
    public void Spec_EveryRequestAndResponseProperty_IsInARecording()
    {
        var unrecorded = Coverage().Unexercised;

        Assert.That(
            unrecorded,
            Is.Empty,
            $"properties of {Contract.Name}.yaml that no recording has: add a recording that has them (in a request, one the spec allows; say in its source where it comes from):\n  {string.Join("\n  ", unrecorded)}");
    }

    /// <summary>Every property of every request body and JSON response of the spec, against every recording.</summary>
    private PropertyCoverage Coverage()
    {
        var coverage = new PropertyCoverage(Spec);
        foreach (var operation in Spec.Operations)
        {
            if (operation.RequestSchema is { } request)
            {
                coverage.Require(request, $"{operation.Id} request");
            }

            foreach (var (status, schema) in operation.JsonResponseSchemas)
            {
                coverage.Require(schema, $"{operation.Id} {status} response");
            }
        }

        foreach (var exchange in Recordings().Select(Contract.Load))
        {
            var operation = Spec.Operation(exchange.Operation);

            // A request the provider refused shows the property refused, not sent as the spec describes it.
            if (exchange.RequestBody is { } body && operation.RequestSchema is { } request && !exchange.RequestViolatesSpec)
            {
                coverage.Record(body, request);
            }

            if (operation.ResponseSchemaFor(exchange) is { } response)
            {
                coverage.Record(exchange.ResponseJson, response);
            }
        }

        return coverage;
    }

    /// <summary>The path the server's URL puts before the operation's path (e.g. Maytapi's /api/{product_id}).</summary>
    private string ServerPrefix(RecordedExchange exchange) => Spec.ServerBasePath(exchange.ServerVariables).TrimEnd('/');

    private static Dictionary<string, string> ReceivedQuery(WireMock.IRequestMessage received) =>
        received.Query?.ToDictionary(q => q.Key, q => string.Join(",", q.Value), StringComparer.Ordinal)
        ?? new Dictionary<string, string>(StringComparer.Ordinal);

    private static IResponseBuilder RecordedResponse(RecordedExchange exchange)
    {
        var response = Response.Create().WithStatusCode(exchange.Status);
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            response = response.WithHeader(name, value);
        }

        var body = exchange.ResponseBodyText;
        return body.Length == 0 ? response : response.WithBody(body);
    }

    private static JToken WithoutNulls(JToken token)
    {
        var copy = token.DeepClone();
        foreach (var property in copy.SelectTokens("$..*").OfType<JValue>().Where(v => v.Type == JTokenType.Null && v.Parent is JProperty).Select(v => (JProperty)v.Parent!).ToList())
        {
            property.Remove();
        }

        return copy;
    }

    private static void AssertSameJson(object? actual, JToken? expected, string what)
    {
        // Through text: a value may hold raw JSON (receiveNotification's body is kept as the text the gateway sent).
        var actualJson = actual is null ? JValue.CreateNull() : Newtonsoft.Json.JsonConvert.DeserializeObject<JToken>(
            Newtonsoft.Json.JsonConvert.SerializeObject(actual), new Newtonsoft.Json.JsonSerializerSettings { DateParseHandling = Newtonsoft.Json.DateParseHandling.None })!;
        Assert.That(
            JToken.DeepEquals(actualJson, expected ?? JValue.CreateNull()),
            Is.True,
            $"{what} as a JSON tree: got {actualJson.ToString(Newtonsoft.Json.Formatting.None)}, recorded {expected?.ToString(Newtonsoft.Json.Formatting.None)}");
    }
}

/// <summary>Maytapi's spec and client against Recordings/maytapi.</summary>
[TestFixture]
public sealed class MaytapiContractTests : ContractTests<Providers.MaytapiContract>
{
    [Test]
    public void Spec_EveryMessageType_HasASuccessRecording()
    {
        var successTypes = Recordings().Select(Contract.Load)
            .Where(e => e.Operation == "SendMessage" && e.Status == 200 && (bool?)e.ResponseJson?["success"] == true)
            .Select(e => (string?)e.RequestBody?["type"])
            .ToHashSet();

        var sendMessage = Spec.Operation("SendMessage");
        Assert.That(sendMessage.DiscriminatorValues, Is.Not.Empty, "the request is discriminated by type");
        Assert.That(sendMessage.DiscriminatorValues.Where(t => !successTypes.Contains(t)), Is.Empty);
    }

    [Test]
    public void Recordings_SuccessFalseWithHttp200_CoverW05AndAnotherCause()
    {
        var failuresWith200 = Recordings().Select(Contract.Load)
            .Where(e => e.Operation == "SendMessage" && e.Status == 200 && (bool?)e.ResponseJson?["success"] == false)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(failuresWith200.Select(e => (string?)e.ResponseJson?["code"]), Does.Contain("W05"));
            Assert.That(failuresWith200.Count(e => (string?)e.ResponseJson?["code"] != "W05"), Is.GreaterThanOrEqualTo(1));
        });
    }
}

/// <summary>GREEN-API's spec and client against Recordings/green-api.</summary>
[TestFixture]
public sealed class GreenApiContractTests : ContractTests<Providers.GreenApiContract>
{
    [Test]
    public void Recordings_ValidationRefusals_EchoTheTokenInPathAsTheRealServerDoes()
    {
        var refusals = Recordings().Select(Contract.Load).Where(e => e.RequestViolatesSpec).ToList();

        Assert.That(refusals, Has.Count.GreaterThanOrEqualTo(3), "empty message, @newsletter chat, short quotedMessageId");
        Assert.Multiple(() =>
        {
            foreach (var refusal in refusals)
            {
                var token = (string?)refusal.PathParameters["apiTokenInstance"];
                Assert.That((string?)refusal.ResponseJson?["path"], Does.EndWith("/" + token), refusal.Name);
            }
        });
    }
}
