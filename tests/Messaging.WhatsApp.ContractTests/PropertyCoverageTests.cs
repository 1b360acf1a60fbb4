using System.Linq;
using System.Threading.Tasks;
using Messaging.WhatsApp.ContractTests.Harness;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.ContractTests;

/// <summary>
/// The property coverage the contract tests apply to the specs, on a small document: what it reaches
/// (discriminator mapping, allOf, array items, a nullable $ref) and what a recorded body exercises.
/// </summary>
[TestFixture]
public sealed class PropertyCoverageTests
{
    private const string Document = """
        openapi: 3.0.1
        info: { title: coverage, version: '1' }
        paths:
          /send:
            post:
              operationId: Send
              requestBody:
                content:
                  application/json:
                    schema: { $ref: '#/components/schemas/Message' }
              responses:
                '200':
                  description: The receipts.
                  content:
                    application/json:
                      schema:
                        type: array
                        items: { $ref: '#/components/schemas/Receipt' }
        components:
          schemas:
            Message:
              type: object
              discriminator:
                propertyName: type
                mapping:
                  text: '#/components/schemas/TextMessage'
                  poll: '#/components/schemas/PollMessage'
              properties:
                type: { type: string }
                to: { type: string }
            TextMessage:
              allOf:
                - $ref: '#/components/schemas/Message'
                - type: object
                  properties:
                    body: { type: string }
            PollMessage:
              allOf:
                - $ref: '#/components/schemas/Message'
                - type: object
                  properties:
                    options: { type: array, items: { type: string } }
            Receipt:
              type: object
              properties:
                id: { type: string }
                sender:
                  nullable: true
                  allOf:
                    - $ref: '#/components/schemas/Sender'
            Sender:
              type: object
              properties:
                name: { type: string }
                phone: { type: string }
        """;

    private static readonly string[] Reachable =
        ["Message.type", "Message.to", "TextMessage.body", "PollMessage.options", "Receipt.id", "Receipt.sender", "Sender.name", "Sender.phone"];

    /// <summary>The poll's property (the body was a text) and the sender's phone, in the order reached.</summary>
    private static readonly string[] Unrecorded =
        ["PollMessage.options (reached from Send request)", "Sender.phone (reached from Send 200 response)"];

    [Test]
    public async Task Coverage_RecordedBodies_LeaveExactlyTheUnrecordedPropertiesInOrder()
    {
        var spec = await ContractSpec.ParseAsync(Document);
        var operation = spec.Operation("Send");
        var coverage = new PropertyCoverage(spec);
        coverage.Require(operation.RequestSchema!, "Send request");
        foreach (var (status, schema) in operation.JsonResponseSchemas)
        {
            coverage.Require(schema, $"Send {status} response");
        }

        // A text message (not a poll), and a receipt whose sender has a name, sent as null.
        coverage.Record(JObject.Parse("""{ "type": "text", "to": "a", "body": "hi" }"""), operation.RequestSchema!);
        coverage.Record(JArray.Parse("""[ { "id": "1", "sender": { "name": null } } ]"""), operation.JsonResponseSchemas.Single().Schema);

        Assert.Multiple(() =>
        {
            Assert.That(
                coverage.Reachable,
                Is.EquivalentTo(Reachable));
            Assert.That(
                coverage.Unexercised,
                Is.EqualTo(Unrecorded));
        });
    }
}
