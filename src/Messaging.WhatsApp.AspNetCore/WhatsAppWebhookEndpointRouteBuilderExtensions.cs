using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.WhatsApp;
using Messaging.WhatsApp.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the webhook endpoints of the WhatsApp gateways an app receives from.</summary>
public static partial class WhatsAppWebhookEndpointRouteBuilderExtensions
{
    private static readonly string[] OtherMethods = ["GET", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];

    /// <summary>
    /// Maps one POST endpoint per receiving registration (<c>AddGreenApiWebhook</c>, <c>AddMaytapiWebhook</c>, …)
    /// under <paramref name="prefix"/>: <c>{prefix}/green-api</c> (token in the <c>Authorization</c> header),
    /// <c>{prefix}/maytapi?secret={secret}</c> (Maytapi does not sign its webhooks, so its URL carries a secret), and
    /// <c>…/&lt;provider&gt;/&lt;name&gt;…</c> for named instances.
    /// </summary>
    /// <remarks>
    /// <para>Each request is answered:</para>
    /// <list type="bullet">
    /// <item>401 without the right token or secret (compared in constant time); nothing is read or dispatched.</item>
    /// <item>400 for a body over 1 MiB, one that is not a JSON object, or a known type that breaks its schema:
    /// a redelivery would not change it. 400 as well for a body whose framing breaks, and Kestrel's 408 for one
    /// that arrives too slowly; nothing is dispatched.</item>
    /// <item>405 (<c>Allow: POST</c>) for any other method.</item>
    /// <item>200 once every handler returned; also for notification types the library does not read.</item>
    /// <item>500 when a handler threw, so that the gateway delivers it again (GREEN-API retries every minute for 24
    /// hours; Maytapi documents no retry).</item>
    /// </list>
    /// <para>Neither the token nor the secret is logged or traced by the library. A secret in the query would
    /// appear in ASP.NET Core's "Request starting" lines (category <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>,
    /// at Information): registering such a receiver caps that category at Warning, for every logging provider,
    /// unless the app's logging configuration names it explicitly; and the request's trace gets the secret
    /// replaced in its URL tags (<c>url.query</c>, and <c>url.full</c>, <c>http.target</c> or <c>http.url</c> where
    /// instrumentation sets them).</para>
    /// </remarks>
    /// <param name="endpoints">The app.</param>
    /// <param name="prefix">The path the endpoints share; default <c>/whatsapp</c>.</param>
    /// <returns>The group of endpoints, to add conventions (host filtering, rate limiting) to.</returns>
    /// <exception cref="InvalidOperationException">No receiving registration exists, or two have the same path.</exception>
    public static RouteGroupBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder endpoints, string prefix = "/whatsapp")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var receivers = endpoints.ServiceProvider.GetServices<WebhookReceiver>().ToList();
        if (receivers.Count == 0)
        {
            throw new InvalidOperationException(
                "No WhatsApp webhook is registered: call a provider package's receiving registration first, such as services.AddGreenApiWebhook(configuration.GetSection(\"GreenApi\")).");
        }

        var duplicate = receivers.GroupBy(r => r.Path, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException(
                $"Two WhatsApp webhooks are registered for the same path '{duplicate.Key}': give each instance its own name.");
        }

        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Messaging.WhatsApp.Receiving");
        var group = endpoints.MapGroup(prefix);
        foreach (var receiver in receivers)
        {
            var endpoint = new WebhookEndpoint(receiver);
            group.MapPost(receiver.Path, endpoint.HandleAsync)
                .WithDisplayName($"WhatsApp {receiver.Provider.DisplayName} webhook {receiver.Path}")
                .ExcludeFromDescription();
            // Every other method: 405 from the endpoint, which keeps a secret in the URL out of the trace.
            group.MapMethods(receiver.Path, OtherMethods, endpoint.MethodNotAllowedAsync)
                .WithDisplayName($"WhatsApp {receiver.Provider.DisplayName} webhook {receiver.Path} (not POST)")
                .ExcludeFromDescription();
            var inQuery = receiver.CredentialPlace == WebhookCredentialPlace.QueryParameter;
            var mapped = prefix.TrimEnd('/') + "/" + receiver.Path + (inQuery ? "?" + WebhookCredential.QueryParameterName + "={secret}" : string.Empty);
            LogMapped(logger, receiver.Provider.DisplayName, mapped, inQuery ? "secret in the query" : "token in the Authorization header");
        }

        return group;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiving {Provider} webhooks at {Path} ({Credential}).")]
    private static partial void LogMapped(ILogger logger, string provider, string path, string credential);
}
