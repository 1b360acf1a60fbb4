using System;
using System.Globalization;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// Sends through one Maytapi phone: validates, maps every failure (HTTP 200 with <c>success:false</c>
/// included) to a typed <see cref="WhatsAppException"/>, retries only what is safe (W05, failed
/// connections), and keeps the key out of logs and errors. Thread-safe; register it with <c>AddMaytapi</c>.
/// </summary>
public sealed class MaytapiSender : WhatsAppSender<MaytapiOptions, MaytapiClient>, IMaytapiSender, ISendAttempt<MaytapiMessage>, IInstanceStateSource
{
    /// <summary>The fields that name a product in a listPhones entry.</summary>
    private static readonly string[] ProductFields = ["product_id", "pid"];

    /// <summary>The base address a Maytapi HttpClient needs: <c>{ApiUrl}{ProductId}/</c>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The address.</returns>
    public static Uri BaseAddressFor(MaytapiOptions options)
    {
        Guard.NotNull(options);
        var root = Guard.WithTrailingSlash(options.ApiUrl).AbsoluteUri;
        return new Uri(root + Uri.EscapeDataString(options.ProductId) + "/");
    }

    /// <summary>
    /// Creates a sender that owns its HTTP client, for apps without dependency injection. Prefer
    /// <c>AddMaytapi</c>, which shares connections through IHttpClientFactory and adds redacted logging. Either
    /// way the key is put into the request only by the last handler before the wire, redirects are never
    /// followed, and <see cref="WhatsAppSenderOptions.Timeout"/> bounds each attempt.
    /// </summary>
    /// <param name="options">The phone and key; checked as at startup.</param>
    /// <param name="primaryHandler">The handler that talks to the network (e.g. one with a proxy), which stays
    /// yours to dispose; or null for a new one. A <c>SocketsHttpHandler</c> or <see cref="HttpClientHandler"/>
    /// has its redirects switched off.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    /// <exception cref="ArgumentException">A setting breaks a rule; the message names it.</exception>
    public MaytapiSender(MaytapiOptions options, HttpMessageHandler? primaryHandler = null, ILogger<MaytapiSender>? logger = null)
        : base(SenderCore<MaytapiOptions, MaytapiClient>.Standalone(MaytapiOptions.Definition, options, primaryHandler, logger))
    {
    }

    internal MaytapiSender(SenderCore<MaytapiOptions, MaytapiClient> core) : base(core) { }

    /// <inheritdoc />
    public override Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo = null, CancellationToken cancellationToken = default) =>
        SendTextAsync(chat, text, replyTo, null, cancellationToken);

    /// <inheritdoc />
    public override Task<SendResult> SendTextAsync(ChatAddress chat, string text, string? replyTo, SendOptions? options, CancellationToken cancellationToken = default)
    {
        MaytapiRequestValidator.ValidateText(chat, text, replyTo);
        return Core.Pipeline.SendAsync(this, new TextMessage { ToNumber = MaytapiRequestValidator.ToNumber(chat), Message = text, ReplyTo = replyTo }, options, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendAsync(MaytapiMessage message, CancellationToken cancellationToken = default) =>
        SendAsync(message, null, cancellationToken);

    /// <inheritdoc />
    public Task<SendResult> SendAsync(MaytapiMessage message, SendOptions? options, CancellationToken cancellationToken = default)
    {
        MaytapiRequestValidator.Validate(message);
        return Core.Pipeline.SendAsync(this, message, options, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SendResult> SendLocationAsync(ChatAddress chat, double latitude, double longitude, string? name = null, CancellationToken cancellationToken = default)
    {
        MaytapiRequestValidator.ValidateChat(chat);
        MaytapiRequestValidator.ValidateCoordinate("latitude", latitude, 90);
        MaytapiRequestValidator.ValidateCoordinate("longitude", longitude, 180);
        var message = new LocationMessage
        {
            ToNumber = MaytapiRequestValidator.ToNumber(chat),
            Latitude = latitude.ToString("0.0#####", CultureInfo.InvariantCulture),
            Longitude = longitude.ToString("0.0#####", CultureInfo.InvariantCulture),
            Text = name,
        };
        return Core.Pipeline.SendAsync(this, message, null, cancellationToken);
    }

    /// <summary>One sendMessage call: <c>success: true</c> with a non-empty <c>data.msgId</c> is a success, anything else a typed error.</summary>
    async Task<SendResult> ISendAttempt<MaytapiMessage>.AttemptAsync(MaytapiMessage message, CancellationToken cancellationToken)
    {
        var envelope = await Core.Client().SendMessageAsync(Core.Options.PhoneId, message, cancellationToken).ConfigureAwait(false);
        return envelope is { Success: true, Data.MsgId: { Length: > 0 } msgId }
            ? new SendResult(MaytapiOptions.Provider, msgId, envelope.Data.ChatId ?? message.ToNumber)
            : throw MaytapiErrorMap.Map(200, envelope, Newtonsoft.Json.JsonConvert.SerializeObject(envelope), Core.Redactor);
    }

    WhatsAppException? ISendAttempt<MaytapiMessage>.MapFailure(Exception exception) =>
        exception is MaytapiException e ? MaytapiErrorMap.Map(e, Core.Redactor, Core.Time) : null;

    (string ChatId, string? Text) ISendAttempt<MaytapiMessage>.Describe(MaytapiMessage message) =>
        (message.ToNumber, (message as TextMessage)?.Message);

    /// <inheritdoc />
    public Task<WhatsAppInstanceStatus> GetInstanceStateAsync(CancellationToken cancellationToken = default) =>
        Core.InstanceState.AskAsync(AskStateAsync, cancellationToken);

    InstanceStateMonitor IInstanceStateSource.InstanceState => Core.InstanceState;

    /// <summary>
    /// A <c>status</c> webhook of this phone, at the time it arrived: Maytapi's carries no time of its own. It is this
    /// phone's when it gives a phone id and every phone id it gives (<c>phone_id</c>, <c>phoneId</c>) is this one, and
    /// every product it names (<c>product_id</c>, <c>pid</c>) is this one: a body that also names another is not believed.
    /// </summary>
    WhatsAppInstanceStatus? IInstanceStateSource.StateReportedBy(object notification, DateTimeOffset receivedAt) =>
        notification is MaytapiStatusNotification status
        && IsThisPhone(status.PhoneId, status.AdditionalProperties.TryGetValue("phoneId", out var camel) ? camel : null)
        && IsThisProduct(status.ProductId) && IsThisProduct(status.Pid)
            ? Core.InstanceState.Current with
            {
                State = MaytapiInstanceStates.Map(status.Status),
                ProviderState = Core.Redactor.RedactOrNull(status.Status),
                LearnedAt = receivedAt,
                Source = WhatsAppInstanceStateSource.Notification,
            }
            : null;

    /// <summary>True when at least one of <paramref name="ids"/> is given and each given is PhoneId, as a number or a string.</summary>
    private bool IsThisPhone(params object?[] ids)
    {
        var given = false;
        foreach (var id in ids)
        {
            if (id is null)
            {
                continue;
            }

            // Read as the reader reads a phone id: a number or a string; anything else names no phone.
            if (MaytapiNotificationReader.Text(id) != Core.Options.PhoneId)
            {
                return false;
            }

            given = true;
        }

        return given;
    }

    /// <summary>True unless <paramref name="product"/> names another product (compared without case, as UUIDs are).</summary>
    private bool IsThisProduct(string? product) =>
        product is null || string.Equals(product, Core.Options.ProductId, StringComparison.OrdinalIgnoreCase);

    /// <summary>One listPhones call: this phone's entry, as a neutral state and Maytapi's word.</summary>
    private async Task<(WhatsAppInstanceState State, string? Word)> AskStateAsync(CancellationToken cancellationToken)
    {
        System.Collections.Generic.IList<MaytapiPhone> phones;
        try
        {
            phones = await Core.Client().ListPhonesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MaytapiException e)
        {
            throw MaytapiErrorMap.MapRead(e, "listPhones", Core.Redactor, Core.Time);
        }
        catch (Exception e) when (e is HttpRequestException or System.IO.IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw MaytapiErrorMap.Unreached(e, "listPhones", cancellationToken);
        }

        var details = new WhatsAppErrorDetails(MaytapiOptions.Provider, System.Net.HttpStatusCode.OK);
        MaytapiPhone? found = null;
        foreach (var phone in phones)
        {
            if (phone?.Id?.ToString(CultureInfo.InvariantCulture) == Core.Options.PhoneId && OfThisProduct(phone.AdditionalProperties))
            {
                if (found is not null)
                {
                    // Two entries for one phone: which of them is its state is not stated.
                    throw new WhatsAppException(
                        details.Describe($"Maytapi's listPhones lists phone {Core.Options.PhoneId} more than once, so it states no one state; asking again is safe"),
                        details);
                }

                found = phone;
            }
        }

        if (found is null)
        {
            throw new WhatsAppException(
                details.Describe($"Maytapi's listPhones does not list phone {Core.Options.PhoneId} of this product (it lists {phones.Count}); check PhoneId and ProductId"),
                details);
        }

        // The word is kept for the app to see; a gateway that echoes the key there must not put it in logs.
        return (MaytapiInstanceStates.Map(found.Status), Core.Redactor.RedactOrNull(found.Status));
    }

    /// <summary>
    /// False when a listPhones entry names another product (<c>product_id</c> or <c>pid</c>, which Maytapi's entries do
    /// not carry): the same phone id there is another phone. A null, or no such field, names none.
    /// </summary>
    private bool OfThisProduct(System.Collections.Generic.IDictionary<string, object> fields)
    {
        foreach (var name in ProductFields)
        {
            // Unknown fields keep their values as read: a string as it is, anything else is no product id of this one.
            if (fields.TryGetValue(name, out var value) && value is not null && !(value is string product && IsThisProduct(product)))
            {
                return false;
            }
        }

        return true;
    }
}
