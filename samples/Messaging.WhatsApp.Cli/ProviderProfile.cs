using System;
using System.Collections.Generic;
using System.Linq;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Cli;

/// <summary>What the CLI knows about one provider: its name, its configuration section and which keys are credentials.</summary>
/// <param name="Provider">The provider.</param>
/// <param name="DisplayName">The name shown in output.</param>
/// <param name="SectionName">The configuration section holding its options.</param>
/// <param name="CredentialKeys">The keys whose presence means "credentials are configured".</param>
/// <param name="SecretKey">The key of the secret, masked in every line the CLI prints.</param>
/// <param name="Register">Registers the sender from the section.</param>
internal sealed record ProviderProfile(
    WhatsAppProvider Provider,
    string DisplayName,
    string SectionName,
    IReadOnlyList<string> CredentialKeys,
    string SecretKey,
    Action<IServiceCollection, IConfiguration> Register)
{
    /// <summary>Maytapi: product, phone and key.</summary>
    public static readonly ProviderProfile Maytapi = new(
        WhatsAppProvider.Maytapi,
        "Maytapi",
        MaytapiOptions.DefaultSectionName,
        [nameof(MaytapiOptions.ProductId), nameof(MaytapiOptions.PhoneId), nameof(MaytapiOptions.ApiKey)],
        nameof(MaytapiOptions.ApiKey),
        (services, section) => services.AddMaytapi(section));

    /// <summary>GREEN-API: instance and token; the host is optional and not a credential.</summary>
    public static readonly ProviderProfile GreenApi = new(
        WhatsAppProvider.GreenApi,
        "GREEN-API",
        GreenApiOptions.DefaultSectionName,
        [nameof(GreenApiOptions.IdInstance), nameof(GreenApiOptions.ApiTokenInstance)],
        nameof(GreenApiOptions.ApiTokenInstance),
        (services, section) => services.AddGreenApi(section));

    /// <summary>The profile of <paramref name="provider"/>.</summary>
    /// <param name="provider">The provider.</param>
    /// <returns>Its profile.</returns>
    public static ProviderProfile For(WhatsAppProvider provider) =>
        provider == WhatsAppProvider.Maytapi ? Maytapi : GreenApi;

    /// <summary>True when at least one credential of this provider is configured.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>Whether any credential key has a value.</returns>
    public bool HasAnyCredential(IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        return CredentialKeys.Any(key => !string.IsNullOrWhiteSpace(section[key]));
    }

    /// <summary>The configured secret, or null, so that it can be masked in output.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The secret value, or null.</returns>
    public string? Secret(IConfiguration configuration) => configuration.GetSection(SectionName)[SecretKey];
}
