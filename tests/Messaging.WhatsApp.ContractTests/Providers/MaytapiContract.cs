using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.ContractTests.Harness;
using Messaging.WhatsApp.Maytapi;

namespace Messaging.WhatsApp.ContractTests.Providers;

/// <summary>Maytapi: specs/maytapi.yaml, Recordings/maytapi, <see cref="MaytapiClient"/>.</summary>
public sealed class MaytapiContract : ProviderContract
{
    public override string Name => "maytapi";

    public override Type ExceptionType => typeof(MaytapiException);

    public override async Task<object?> SendAsync(HttpClient http, RecordedExchange exchange, CancellationToken cancellationToken)
    {
        var client = new MaytapiClient(http);
        return exchange.Operation switch
        {
            "SendMessage" => await client.SendMessageAsync(
                PathParameter<string>(exchange, "phoneId"), Body<MaytapiMessage>(exchange), cancellationToken).ConfigureAwait(false),
            "ListPhones" => await client.ListPhonesAsync(cancellationToken).ConfigureAwait(false),
            _ => throw UnknownOperation(exchange),
        };
    }
}
