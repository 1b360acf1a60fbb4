using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.ContractTests.Harness;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.ContractTests;

/// <summary>
/// Holds one provider's notifications document (the receiving endpoint it describes) against every recorded
/// notification of that provider: the body is the schema the document dispatches it to, the request is one
/// the endpoint takes, and the expected updates are stated consistently. The receiver's own tests replay
/// the same recordings and compare the updates.
/// </summary>
public abstract class NotificationContractTests<TContract>
    where TContract : NotificationContract, new()
{
    /// <summary>The neutral statuses an update may carry.</summary>
    private static readonly string[] NeutralStatuses = ["queued", "sent", "delivered", "read", "played", "failed", "deleted", "unknown"];

    /// <summary>The fields of an update, exactly.</summary>
    private static readonly string[] UpdateFields = ["provider", "instance", "messageId", "chatId", "status", "providerStatus", "error", "time"];

    protected TContract Contract { get; } = new();

    protected ContractSpec Spec { get; private set; } = null!;

    public static IEnumerable<string> Recordings() => new TContract().RecordingNames;

    [OneTimeSetUp]
    public async Task LoadSpec() => Spec = await ContractSpec.LoadAsync(Contract.SpecFile);

    [TestCaseSource(nameof(Recordings))]
    public void Recording_AnyNotification_StatesSourceSummaryOutcomeAndUpdates(string recording)
    {
        var notification = Contract.Load(recording);
        var updates = notification.Updates.ToList();
        var expectedOutcome = updates.Count switch
        {
            0 => "none",
            1 => (string?)updates[0]["status"],
            _ => "several",
        };

        Assert.Multiple(() =>
        {
            Assert.That(notification.Source, Is.Not.Empty, "source");
            Assert.That(notification.Summary, Is.Not.Empty, "summary");
            Assert.That(Spec.HasOperation(notification.Operation), Is.True, $"operation '{notification.Operation}' is one the document declares");
            Assert.That(Spec.SchemaNames, Does.Contain(notification.Notification), "notification names a schema of the document");
            Assert.That(notification.Outcome, Is.EqualTo(expectedOutcome), "outcome: the one update's status, 'several' or 'none'");
            foreach (var update in updates)
            {
                AssertUpdate(update as JObject, Contract.Provider);
            }
        });
    }

    [TestCaseSource(nameof(Recordings))]
    public void Body_RecordedNotification_IsValidForItsSchema(string recording)
    {
        var notification = Contract.Load(recording);

        var errors = Spec.Schema(notification.Notification).Validate(notification.Body);

        Assert.That(errors.Select(e => e.ToString()), Is.Empty);
    }

    [TestCaseSource(nameof(Recordings))]
    public void Body_RecordedNotification_IsTheSchemaTheDocumentDispatchesItsTypeTo(string recording)
    {
        var notification = Contract.Load(recording);
        var dispatch = Spec.Operation(notification.Operation).Dispatch;
        Assert.That(dispatch, Is.Not.Null, $"{notification.Operation} declares x-dispatch on its request body");

        var value = (string?)notification.Body[dispatch!.PropertyName];

        Assert.That(notification.Notification, Is.EqualTo(dispatch.SchemaFor(value)), $"{dispatch.PropertyName} '{value}'");
    }

    [TestCaseSource(nameof(Recordings))]
    public void Request_RecordedNotification_IsOneTheEndpointTakes(string recording)
    {
        var notification = Contract.Load(recording);
        var operation = Spec.Operation(notification.Operation);
        var bearer = operation.SecuritySchemes.Intersect(Spec.BearerSchemes).Any();

        Assert.Multiple(() =>
        {
            Assert.That(notification.Method, Is.EqualTo(operation.Method).IgnoreCase, "method");
            Assert.That(notification.Path, Is.EqualTo(operation.ExpandPath(notification.PathParameters)), "path: the operation's path with the recorded parameters");
            Assert.That(operation.ValidateParameters(notification.PathParameters, notification.Query), Is.Empty, "path and query parameters");
            Assert.That(notification.Header("Content-Type"), Does.StartWith("application/json"), "Content-Type: the media type the document declares");
            if (bearer)
            {
                Assert.That(notification.Header("Authorization"), Does.Match("^Bearer [^ ]+$"), "the bearer token the operation's security scheme names");
            }
        });
    }

    [TestCaseSource(nameof(Recordings))]
    public void Response_RecordedNotification_IsOneTheEndpointDeclares(string recording)
    {
        var notification = Contract.Load(recording);
        var operation = Spec.Operation(notification.Operation);

        Assert.Multiple(() =>
        {
            Assert.That(operation.DeclaredStatuses, Does.Contain(notification.Status.ToString(CultureInfo.InvariantCulture)), "status");
            Assert.That(notification.HasResponseBody, Is.EqualTo(operation.DeclaresContentFor(notification.Status)), "a body is recorded exactly when the status declares content");
        });
    }

    [Test]
    public void Spec_EveryDispatchedSchema_HasARecording()
    {
        var recorded = Recordings().Select(Contract.Load).Select(n => n.Notification).ToHashSet(StringComparer.Ordinal);
        var dispatched = Spec.Operations
            .Select(o => o.Dispatch)
            .OfType<NotificationDispatch>()
            .SelectMany(d => d.Mapping.Values.Append(d.BaseSchema))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(dispatched, Is.Not.Empty, "the document dispatches its request bodies (x-dispatch)");
            Assert.That(dispatched.Where(s => !recorded.Contains(s)), Is.Empty, "schemas (including the base, for other types) without a recording");
        });
    }

    [Test]
    public void Spec_EveryPropertyOfADispatchedSchema_IsInARecording()
    {
        var unrecorded = Coverage().Unexercised;

        Assert.That(
            unrecorded,
            Is.Empty,
            $"properties of {Contract.Name}.yaml that no recorded notification has: add a recording that has them (say in its source where it comes from):\n  {string.Join("\n  ", unrecorded)}");
    }

    /// <summary>Every property of every schema the document dispatches to, against every recorded notification.</summary>
    private PropertyCoverage Coverage()
    {
        var coverage = new PropertyCoverage(Spec);
        foreach (var dispatch in Spec.Operations.Select(o => o.Dispatch).OfType<NotificationDispatch>())
        {
            foreach (var schema in dispatch.Mapping.Values.Append(dispatch.BaseSchema))
            {
                coverage.Require(Spec.Schema(schema), schema);
            }
        }

        foreach (var notification in Recordings().Select(Contract.Load))
        {
            coverage.Record(notification.Body, Spec.Schema(notification.Notification));
        }

        return coverage;
    }

    private static void AssertUpdate(JObject? update, string provider)
    {
        Assert.That(update, Is.Not.Null, "an update is an object");
        Assert.That(update!.Properties().Select(p => p.Name), Is.EquivalentTo(UpdateFields), "the fields of an update");
        Assert.That((string?)update["provider"], Is.EqualTo(provider), "provider");
        Assert.That((string?)update["status"], Is.AnyOf(NeutralStatuses), "status is a neutral status");
        Assert.That((string?)update["messageId"], Is.Not.Null.And.Not.Empty, "messageId");
        Assert.That(update["providerStatus"]?.Type, Is.EqualTo(JTokenType.String), "providerStatus");
        foreach (var nullable in new[] { "instance", "chatId", "error", "time" })
        {
            Assert.That(update[nullable]?.Type, Is.AnyOf(JTokenType.String, JTokenType.Null), $"{nullable} is a string or null");
        }

        if (update["time"] is JValue { Type: JTokenType.String } time)
        {
            Assert.That(
                DateTimeOffset.TryParseExact((string)time!, "yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
                Is.True,
                $"time '{time}' is UTC as yyyy-MM-ddTHH:mm:ssZ");
        }
    }
}

/// <summary>specs/green-api-notifications.yaml against Recordings/green-api-notifications.</summary>
[TestFixture]
public sealed class GreenApiNotificationContractTests : NotificationContractTests<Providers.GreenApiNotificationContract>
{
    private static readonly string[] RequiredStatuses = ["sent", "delivered", "read", "failed", "noAccount"];

    [Test]
    public void Recordings_OutgoingStatuses_CoverSentDeliveredReadAndFailures()
    {
        var statuses = Recordings().Select(Contract.Load)
            .Where(n => (string?)n.Body["typeWebhook"] == "outgoingMessageStatus")
            .Select(n => (string?)n.Body["status"])
            .ToHashSet();

        Assert.That(statuses, Is.SupersetOf(RequiredStatuses));
    }
}

/// <summary>specs/maytapi-notifications.yaml against Recordings/maytapi-notifications.</summary>
[TestFixture]
public sealed class MaytapiNotificationContractTests : NotificationContractTests<Providers.MaytapiNotificationContract>
{
    [Test]
    public void Recordings_AckEntries_IncludePollVotesReactionsAndForeignMessages()
    {
        var entries = Recordings().Select(Contract.Load)
            .Where(n => (string?)n.Body["type"] == "ack")
            .SelectMany(n => n.Body["data"]!.Children<JObject>())
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(entries.Any(e => e["options"] is not null), Is.True, "a poll tally");
            Assert.That(entries.Any(e => e["reaction"] is not null), Is.True, "a reaction");
            Assert.That(entries.Any(e => e["ackCode"] is null && ((string?)e["msgId"])?.StartsWith("false_", StringComparison.Ordinal) == true), Is.True, "an entry about someone else's message, without ackCode");
        });
    }
}
