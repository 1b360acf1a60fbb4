using System;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>
/// One Maytapi phone. Bind it from a configuration section (see <see cref="DefaultSectionName"/>);
/// everything is checked at startup. <see cref="ToString"/> never shows the key.
/// </summary>
public sealed class MaytapiOptions
{
    /// <summary>The configuration section read by default: <c>Maytapi</c>.</summary>
    public const string DefaultSectionName = "Maytapi";

    /// <summary>Maytapi's API root, before the product id. Default <c>https://api.maytapi.com/api/</c>.</summary>
    public Uri ApiUrl { get; set; } = new("https://api.maytapi.com/api/");

    /// <summary>The product id (a UUID) from the Maytapi console. Required.</summary>
    public string ProductId { get; set; } = string.Empty;

    /// <summary>The phone id (digits, e.g. <c>12</c>) from the Maytapi console. Required.</summary>
    public string PhoneId { get; set; } = string.Empty;

    /// <summary>The API key, sent as the <c>x-maytapi-key</c> header. Required; never logged.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>How long one attempt may take, request and answer. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Sends a second this sender allows itself; 0 (the default) turns the limiter off, as Maytapi documents no limit.</summary>
    public int MaxSendsPerSecond { get; set; }

    /// <summary>Sends that may wait for the rate limiter before a send fails fast. Default 10,000.</summary>
    public int RateLimitQueueLimit { get; set; } = 10_000;

    /// <summary>Automatic retries of W05 ("Lib not loaded") and failed connections.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Names the phone without the key.</summary>
    /// <returns>E.g. <c>Maytapi phone 12 of product 1111…</c>.</returns>
    public override string ToString() => $"Maytapi phone {PhoneId} of product {ProductId}";
}
