using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp;

/// <summary>The option checks both providers share; each message names the setting, never a secret value.</summary>
internal static class SenderOptionsChecks
{
    /// <summary>The setting prefix in messages: <c>GreenApi:</c>, or <c>GreenApi[sales]:</c> for a named instance.</summary>
    public static string Prefix(string section, string? name) =>
        string.IsNullOrEmpty(name) ? section + ":" : $"{section}[{name}]:";

    public static void ApiUrl(List<string> failures, string prefix, Uri? apiUrl, string example)
    {
        if (apiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.UserInfo.Length > 0)
        {
            failures.Add($"{prefix}ApiUrl must be an absolute http(s) URL without credentials, such as {example}.");
        }
    }

    public static void Sending(List<string> failures, string prefix, TimeSpan timeout, int maxSendsPerSecond, int rateLimitQueueLimit, RetryOptions? retry)
    {
        if (timeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}Timeout must be positive.");
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
