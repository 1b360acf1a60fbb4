using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.ContractTests.Harness;
using Messaging.WhatsApp.GreenApi;

namespace Messaging.WhatsApp.ContractTests.Providers;

/// <summary>GREEN-API: specs/green-api.yaml, Recordings/green-api, <see cref="GreenApiClient"/>.</summary>
public sealed class GreenApiContract : ProviderContract
{
    public override string Name => "green-api";

    public override Type ExceptionType => typeof(GreenApiException);

    public override async Task<object?> SendAsync(HttpClient http, RecordedExchange exchange, CancellationToken cancellationToken)
    {
        var client = new GreenApiClient(http);
        var idInstance = PathParameter<long>(exchange, "idInstance");
        var apiTokenInstance = PathParameter<string>(exchange, "apiTokenInstance");
        return exchange.Operation switch
        {
            "SendMessage" => await client.SendMessageAsync(
                idInstance, apiTokenInstance, Body<GreenApiSendMessageRequest>(exchange), cancellationToken).ConfigureAwait(false),
            "ReceiveNotification" => await client.ReceiveNotificationAsync(
                idInstance, apiTokenInstance, QueryParameter<int?>(exchange, "receiveTimeout"), cancellationToken).ConfigureAwait(false),
            "DeleteNotification" => await client.DeleteNotificationAsync(
                idInstance, apiTokenInstance, PathParameter<long>(exchange, "receiptId"), cancellationToken).ConfigureAwait(false),
            "GetMessage" => await client.GetMessageAsync(
                idInstance, apiTokenInstance, Body<GreenApiGetMessageRequest>(exchange), cancellationToken).ConfigureAwait(false),
            "LastOutgoingMessages" => await client.LastOutgoingMessagesAsync(
                idInstance, apiTokenInstance, QueryParameter<int?>(exchange, "minutes"), cancellationToken).ConfigureAwait(false),
            "GetStateInstance" => await client.GetStateInstanceAsync(idInstance, apiTokenInstance, cancellationToken).ConfigureAwait(false),
            _ => throw UnknownOperation(exchange),
        };
    }
}
