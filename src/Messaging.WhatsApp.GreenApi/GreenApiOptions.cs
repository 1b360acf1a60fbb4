using System;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// One GREEN-API instance. Bind it from a configuration section (see <see cref="DefaultSectionName"/>);
/// everything is checked at startup. <see cref="ToString"/> never shows the token.
/// </summary>
public sealed class GreenApiOptions
{
    /// <summary>The configuration section read by default: <c>GreenApi</c>.</summary>
    public const string DefaultSectionName = "GreenApi";

    /// <summary>GREEN-API's limit: sendMessage calls a second per instance before it answers 429.</summary>
    public const int ProviderSendsPerSecond = 50;

    /// <summary>
    /// The instance's host as shown in the console, e.g. <c>https://7105.api.greenapi.com</c>. Default
    /// <c>https://api.green-api.com</c>, the universal fallback the official SDKs use.
    /// </summary>
    public Uri ApiUrl { get; set; } = new("https://api.green-api.com");

    /// <summary>The instance number (<c>idInstance</c>), about 10 digits. Required.</summary>
    public long IdInstance { get; set; }

    /// <summary>The instance token (<c>apiTokenInstance</c>). Required. It travels in the URL path and is
    /// removed from every log line, exception and ToString().</summary>
    public string ApiTokenInstance { get; set; } = string.Empty;

    /// <summary>How long one attempt may take, request and answer. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends a second this sender allows itself, so a burst waits instead of collecting 429s. Default
    /// <see cref="ProviderSendsPerSecond"/>; 0 turns the limiter off.
    /// </summary>
    public int MaxSendsPerSecond { get; set; } = ProviderSendsPerSecond;

    /// <summary>Sends that may wait for the rate limiter before a send fails fast. Default 10,000.</summary>
    public int RateLimitQueueLimit { get; set; } = 10_000;

    /// <summary>Automatic retries of 429s and failed connections.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Names the instance without its token.</summary>
    /// <returns>E.g. <c>GREEN-API instance 1101000001 at https://api.green-api.com/</c>.</returns>
    public override string ToString() => $"GREEN-API instance {IdInstance} at {ApiUrl}";
}
