using System;
using System.Collections.Generic;

namespace Messaging.WhatsApp.Maytapi;

/// <summary>Checks <see cref="MaytapiOptions"/> at startup; messages name the setting, never the key.</summary>
internal sealed class MaytapiOptionsValidator : SenderOptionsValidator<MaytapiOptions>
{
    public MaytapiOptionsValidator()
        : base(MaytapiOptions.DefaultSectionName, "https://api.maytapi.com/api/")
    {
    }

    protected override void ValidateProvider(List<string> failures, string prefix, MaytapiOptions options)
    {
        if (!Guid.TryParse(options.ProductId, out _))
        {
            failures.Add($"{prefix}ProductId is required: the product id (a UUID) from the Maytapi console.");
        }

        if (string.IsNullOrEmpty(options.PhoneId) || !Guard.IsAsciiDigits(options.PhoneId))
        {
            failures.Add($"{prefix}PhoneId is required: the phone id (digits) from the Maytapi console.");
        }

        Credential(failures, prefix, nameof(options.ApiKey), options.ApiKey, "the API key from the Maytapi console");
    }
}
