using System;
using System.Collections.Generic;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>Checks <see cref="GreenApiOptions"/> at startup; messages name the setting and never its value when secret.</summary>
internal sealed class GreenApiOptionsValidator : IValidateOptions<GreenApiOptions>
{
    public ValidateOptionsResult Validate(string? name, GreenApiOptions options)
    {
        var prefix = SenderOptionsChecks.Prefix(GreenApiOptions.DefaultSectionName, name);
        var failures = new List<string>();
        SenderOptionsChecks.ApiUrl(failures, prefix, options.ApiUrl, "https://7105.api.greenapi.com");

        if (options.IdInstance <= 0)
        {
            failures.Add($"{prefix}IdInstance is required: the instance number from the GREEN-API console.");
        }

        SenderOptionsChecks.Credential(failures, prefix, nameof(options.ApiTokenInstance), options.ApiTokenInstance, "the instance token from the GREEN-API console");

        SenderOptionsChecks.Sending(failures, prefix, options.Timeout, options.MaxSendsPerSecond, options.RateLimitQueueLimit, options.Retry);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
