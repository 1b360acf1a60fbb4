using System.Collections.Generic;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>Checks <see cref="GreenApiOptions"/> at startup; messages name the setting and never its value when secret.</summary>
internal sealed class GreenApiOptionsValidator : SenderOptionsValidator<GreenApiOptions>
{
    public GreenApiOptionsValidator()
        : base(GreenApiOptions.DefaultSectionName, "https://7105.api.greenapi.com")
    {
    }

    protected override void ValidateProvider(List<string> failures, string prefix, GreenApiOptions options)
    {
        if (options.IdInstance <= 0)
        {
            failures.Add($"{prefix}IdInstance is required: the instance number from the GREEN-API console.");
        }

        Credential(failures, prefix, nameof(options.ApiTokenInstance), options.ApiTokenInstance, "the instance token from the GREEN-API console");
    }
}
