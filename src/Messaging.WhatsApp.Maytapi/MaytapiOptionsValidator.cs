using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>Checks <see cref="MaytapiOptions"/> at startup; messages name the setting, never the key.</summary>
internal sealed class MaytapiOptionsValidator : IValidateOptions<MaytapiOptions>
{
    public ValidateOptionsResult Validate(string? name, MaytapiOptions options)
    {
        var prefix = string.IsNullOrEmpty(name) ? MaytapiOptions.DefaultSectionName + ":" : $"{MaytapiOptions.DefaultSectionName}[{name}]:";
        var failures = new List<string>();
        if (options.ApiUrl is not { IsAbsoluteUri: true } url || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp) || url.UserInfo.Length > 0)
        {
            failures.Add($"{prefix}ApiUrl must be an absolute http(s) URL without credentials, such as https://api.maytapi.com/api/.");
        }

        if (!Guid.TryParse(options.ProductId, out _))
        {
            failures.Add($"{prefix}ProductId is required: the product id (a UUID) from the Maytapi console.");
        }

        if (string.IsNullOrEmpty(options.PhoneId) || !Guard.IsAsciiDigits(options.PhoneId))
        {
            failures.Add($"{prefix}PhoneId is required: the phone id (digits) from the Maytapi console.");
        }

        if (string.IsNullOrWhiteSpace(options.ApiKey))
        {
            failures.Add($"{prefix}ApiKey is required: the API key from the Maytapi console.");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"{prefix}Timeout must be positive.");
        }

        if (options.MaxSendsPerSecond < 0 || options.RateLimitQueueLimit < 0)
        {
            failures.Add($"{prefix}MaxSendsPerSecond and RateLimitQueueLimit must not be negative.");
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
