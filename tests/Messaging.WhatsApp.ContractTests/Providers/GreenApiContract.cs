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

    public override async Task<object> SendAsync(HttpClient http, RecordedExchange exchange, CancellationToken cancellationToken)
    {
        var client = new GreenApiClient(http);
        var body = exchange.RequestBody.ToObject<GreenApiSendMessageRequest>()!;
        return await client.SendMessageAsync(
            PathParameter<long>(exchange, "idInstance"),
            PathParameter<string>(exchange, "apiTokenInstance"),
            body,
            cancellationToken).ConfigureAwait(false);
    }
}
