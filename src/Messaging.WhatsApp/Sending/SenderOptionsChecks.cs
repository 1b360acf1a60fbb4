using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp;

/// <summary>
/// The option checks both providers share. Everything a send depends on is checked here, at startup, so that
/// no setting passes startup and then fails every send. Each message names the setting and the rule, never a
/// secret's value.
/// </summary>
internal static class SenderOptionsChecks
{
    /// <summary>The longest timeout or delay accepted: 24 days, within what HttpClient and timers take (<see cref="int.MaxValue"/> milliseconds, about 24.8 days).</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(24);

    /// <summary>The setting prefix in messages: <c>GreenApi:</c>, or <c>GreenApi[sales]:</c> for a named instance.</summary>
    public static string Prefix(string section, string? name) =>
        string.IsNullOrEmpty(name) ? section + ":" : $"{section}[{name}]:";

    public static void ApiUrl(List<string> failures, string prefix, Uri? apiUrl, string example)
    {
        if (apiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0 || url.Host.Length == 0)
        {
            failures.Add($"{prefix}ApiUrl must be an absolute http(s) URL without credentials, query or fragment, such as {example}.");
        }
    }

    /// <summary>
    /// A credential that travels in a header or a URL path: required, and printable ASCII without spaces, so
    /// that it can neither break the request (a line break in a header is a second header) nor pass startup
    /// and then fail every send (a non-ASCII header value is refused when sending).
    /// </summary>
    public static void Credential(List<string> failures, string prefix, string setting, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{prefix}{setting} is required: {what}.");
            return;
        }

        foreach (var c in value!)
        {
            if (c is < '!' or > '~')
            {
                failures.Add($"{prefix}{setting} must be printable ASCII without spaces, line breaks or other control characters (as {what} is); check for a stray character around the copied value.");
                return;
            }
        }
    }

    public static void Sending(List<string> failures, string prefix, TimeSpan timeout, int maxSendsPerSecond, int rateLimitQueueLimit, RetryOptions? retry)
    {
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
        {
            failures.Add($"{prefix}Timeout must be positive and at most 24 days (HttpClient takes no longer).");
        }

        if (maxSendsPerSecond < 0)
        {
            failures.Add($"{prefix}MaxSendsPerSecond must be 0 (no limiter) or positive.");
        }

        if (rateLimitQueueLimit < 0)
        {
            failures.Add($"{prefix}RateLimitQueueLimit must not be negative.");
        }

        if (retry is null)
        {
            failures.Add($"{prefix}Retry must not be null.");
        }
        else if (retry.Validate(prefix + "Retry:") is { } retryProblem)
        {
            failures.Add(retryProblem);
        }
    }
}
