using System;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>
/// The registration every provider's webhook shares: the same named options as its sender (same section,
/// same type), checked at startup for the webhook's own setting only, so that an app may receive without
/// sending; and a <see cref="WebhookReceiver"/> for the ASP.NET Core package to map.
/// </summary>
internal static class ReceiverRegistration
{
    public static void AddWebhook<TOptions>(
        IServiceCollection services,
        string name,
        Action<OptionsBuilder<TOptions>> configure,
        ReceiverDefinition<TOptions> definition)
        where TOptions : WhatsAppSenderOptions
    {
        Guard.NotNull(services);
        var options = services.AddOptions<TOptions>(name);
        configure(options);
        options.ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new NamedOptionsValidator<TOptions>(name, (n, o) =>
        {
            var prefix = string.IsNullOrEmpty(n) ? definition.SectionName + ":" : $"{definition.SectionName}[{n}]:";
            var failures = new System.Collections.Generic.List<string>();
            definition.Validate(o, new OptionsChecks(prefix, failures));
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }));
        AddDispatching(services);
        if (definition.Place == WebhookCredentialPlace.QueryParameter)
        {
            KeepSecretUrlsOutOfHostLogs(services);
        }

        services.AddSingleton(sp =>
        {
            var monitor = sp.GetRequiredService<IOptionsMonitor<TOptions>>();
            return new WebhookReceiver(
                definition.Provider,
                name,
                definition.Place,
                () => definition.Credential(monitor.Get(name)),
                definition.Reader,
                sp.GetRequiredService<NotificationDispatcher>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Messaging.WhatsApp.Receiving"));
        });
    }

    /// <summary>The category of ASP.NET Core's "Request starting" lines, which quote the request's URL, query included.</summary>
    public const string HostRequestLogCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    /// <summary>
    /// A secret in the endpoint's query would be written by ASP.NET Core's "Request starting" lines at
    /// Information. This caps their category at Warning, as the first rule, so that an app
    /// whose logging configuration names a category itself (a more specific or later rule) keeps what it chose.
    /// A level set for one provider (<c>Logging:Console:LogLevel:Default</c>) outranks every rule that names no
    /// provider, so each provider that has one gets the same cap, again before its own rules.
    /// </summary>
    private static void KeepSecretUrlsOutOfHostLogs(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(HostLogRule)))
        {
            return;
        }

        services.AddSingleton<HostLogRule>();
        services.Configure<LoggerFilterOptions>(o => Cap(o, null));
        services.PostConfigure<LoggerFilterOptions>(o =>
        {
            foreach (var provider in o.Rules.Select(r => r.ProviderName).OfType<string>().Distinct(StringComparer.Ordinal).ToList())
            {
                Cap(o, provider);
            }
        });
    }

    private static void Cap(LoggerFilterOptions options, string? provider)
    {
        options.Rules.Insert(0, new LoggerFilterRule(provider, HostRequestLogCategory, LogLevel.Warning, null));
    }

    /// <summary>Marks that <see cref="KeepSecretUrlsOutOfHostLogs"/> ran for these services.</summary>
    private sealed class HostLogRule
    {
    }

    /// <summary>A registration name that is also a path segment: letters, digits, '-' and '_'.</summary>
    public static string CheckName(string name)
    {
        Guard.NotNullOrEmpty(name);
        foreach (var c in name)
        {
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_'))
            {
                throw new ArgumentException("A receiving instance's name is a segment of its endpoint's path: use letters, digits, '-' and '_'.", nameof(name));
            }
        }

        return name;
    }

    /// <summary>What receiving needs whatever the channel: the dispatcher to the app's handlers, and logging.</summary>
    public static void AddDispatching(IServiceCollection services)
    {
        services.AddLogging();
        services.TryAddSingleton<NotificationDispatcher>();
    }
}

/// <summary>Validates the options of one name only: each registration checks what it needs of its own instance.</summary>
/// <typeparam name="TOptions">The options.</typeparam>
internal sealed class NamedOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    private readonly string _name;
    private readonly Func<string, TOptions, ValidateOptionsResult> _validate;

    public NamedOptionsValidator(string name, Func<string, TOptions, ValidateOptionsResult> validate)
    {
        _name = name ?? string.Empty;
        _validate = validate;
    }

    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        string.Equals(name ?? string.Empty, _name, StringComparison.Ordinal) ? _validate(_name, options) : ValidateOptionsResult.Skip;
}
