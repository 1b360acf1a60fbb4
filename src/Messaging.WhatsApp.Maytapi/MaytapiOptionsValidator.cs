using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>Checks <see cref="MaytapiOptions"/> at startup; messages name the setting, never the key.</summary>
internal sealed class MaytapiOptionsValidator : IValidateOptions<MaytapiOptions>
{
    public ValidateOptionsResult Validate(string? name, MaytapiOptions options)
    {
        var prefix = SenderOptionsChecks.Prefix(MaytapiOptions.DefaultSectionName, name);
        var failures = new List<string>();
        SenderOptionsChecks.ApiUrl(failures, prefix, options.ApiUrl, "https://api.maytapi.com/api/");

        if (!Guid.TryParse(options.ProductId, out _))
        {
            failures.Add($"{prefix}ProductId is required: the product id (a UUID) from the Maytapi console.");
        }

        if (string.IsNullOrEmpty(options.PhoneId) || !Guard.IsAsciiDigits(options.PhoneId))
        {
            failures.Add($"{prefix}PhoneId is required: the phone id (digits) from the Maytapi console.");
        }

        SenderOptionsChecks.Credential(failures, prefix, nameof(options.ApiKey), options.ApiKey, "the API key from the Maytapi console");

        SenderOptionsChecks.Sending(failures, prefix, options.Timeout, options.MaxSendsPerSecond, options.RateLimitQueueLimit, options.Retry);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
