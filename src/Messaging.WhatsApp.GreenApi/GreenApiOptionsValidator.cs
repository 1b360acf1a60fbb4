using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>Checks <see cref="GreenApiOptions"/> at startup; messages name the setting and never its value when secret.</summary>
internal sealed class GreenApiOptionsValidator : IValidateOptions<GreenApiOptions>
{
    public ValidateOptionsResult Validate(string? name, GreenApiOptions options)
    {
        var prefix = string.IsNullOrEmpty(name) ? GreenApiOptions.DefaultSectionName + ":" : $"{GreenApiOptions.DefaultSectionName}[{name}]:";
        var failures = new List<string>();
        if (options.ApiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.UserInfo.Length > 0)
        {
            failures.Add($"{prefix}ApiUrl must be an absolute http(s) URL without credentials, such as https://7105.api.greenapi.com.");
        }

        if (options.IdInstance <= 0)
        {
            failures.Add($"{prefix}IdInstance is required: the instance number from the GREEN-API console.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiTokenInstance))
        {
            failures.Add($"{prefix}ApiTokenInstance is required: the instance token from the GREEN-API console.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}Timeout must be positive.");
        }

        if (options.MaxSendsPerSecond < 0)
        {
            failures.Add($"{prefix}MaxSendsPerSecond must be 0 (no limiter) or positive.");
        }

        if (options.RateLimitQueueLimit < 0)
        {
            failures.Add($"{prefix}RateLimitQueueLimit must not be negative.");
        }

        if (options.Retry is null)
        {
            failures.Add($"{prefix}Retry must not be null.");
        }
        else if (options.Retry.Validate(prefix + "Retry:") is { } retryProblem)
        {
            failures.Add(retryProblem);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
