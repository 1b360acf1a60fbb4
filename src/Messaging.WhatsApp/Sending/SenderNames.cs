using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp;

/// <summary>
/// Which gateways are registered under which name, so that the neutral <see cref="IWhatsAppSender"/> of a name
/// resolves to its one sender, and fails, saying how to name the instances, when two gateways share the name (both
/// registered without one, say): picking one would send through a gateway the app may not have meant. The
/// provider-specific interfaces (<c>IGreenApiSender</c>, <c>IMaytapiSender</c>) are not affected. At startup, a
/// shared name is logged as a warning, since nothing yet tells whether the app will ask for the neutral interface.
/// </summary>
internal sealed partial class SenderNames
{
    private readonly Dictionary<string, List<(WhatsAppProvider Provider, Type Sender)>> _byName = new(StringComparer.Ordinal);

    /// <summary>The registry of <paramref name="services"/>, added (with its startup warning) on first use.</summary>
    public static SenderNames Of(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(SenderNames) && !d.IsKeyedService)?.ImplementationInstance is SenderNames names)
        {
            return names;
        }

        names = new SenderNames();
        services.AddSingleton(names);
        services.AddOptions<StartupCheck>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StartupCheck>, StartupWarning>());
        return names;
    }

    /// <summary>
    /// Records that <paramref name="provider"/>'s sender, resolved as <paramref name="sender"/>, is registered under
    /// <paramref name="name"/>; true when it is the first sender of that name, which registers the neutral interface.
    /// </summary>
    public bool Add(string name, WhatsAppProvider provider, Type sender)
    {
        if (!_byName.TryGetValue(name, out var senders))
        {
            _byName[name] = [(provider, sender)];
            return true;
        }

        if (!senders.Any(s => s.Provider.Equals(provider)))
        {
            senders.Add((provider, sender));
        }

        return false;
    }

    /// <summary>Every sender registered: its name, gateway and the service type it resolves as.</summary>
    public IEnumerable<(string Name, WhatsAppProvider Provider, Type Sender)> All =>
        _byName.SelectMany(n => n.Value.Select(s => (n.Key, s.Provider, s.Sender)));

    /// <summary>The neutral sender of <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">More than one gateway is registered under the name.</exception>
    public IWhatsAppSender Resolve(IServiceProvider services, string name)
    {
        var senders = _byName[name];
        if (senders.Count > 1)
        {
            throw new InvalidOperationException(Ambiguity(name, senders));
        }

        var sender = senders[0].Sender;
        return (IWhatsAppSender)(name.Length == 0 ? services.GetRequiredService(sender) : services.GetRequiredKeyedService(sender, name));
    }

    private static string Ambiguity(string name, List<(WhatsAppProvider Provider, Type Sender)> senders)
    {
        var providers = string.Join(" and ", senders.Select(s => s.Provider.DisplayName));
        var interfaces = string.Join(", ", senders.Select(s => s.Sender.Name));
        var where = name.Length == 0 ? "without a name" : $"under the same name '{name}'";
        return $"IWhatsAppSender{(name.Length == 0 ? string.Empty : $" '{name}'")} is ambiguous: {providers} are registered {where}, and "
            + "the library will not pick one gateway for you. Give each instance its own name (for example "
            + "services.AddGreenApi(\"sales\", …) and services.AddMaytapi(\"support\", …)) and inject "
            + "[FromKeyedServices(\"sales\")] IWhatsAppSender, or inject the provider's own interface ("
            + interfaces + "), which keeps working.";
    }

    /// <summary>Nothing but the key of the startup check.</summary>
    internal sealed class StartupCheck
    {
    }

    /// <summary>Warns at startup of every name shared by two gateways; never fails the start.</summary>
    private sealed partial class StartupWarning(SenderNames names, ILoggerFactory loggers) : IValidateOptions<StartupCheck>
    {
        public ValidateOptionsResult Validate(string? name, StartupCheck options)
        {
            var logger = loggers.CreateLogger("Messaging.WhatsApp");
            foreach (var shared in names._byName.Where(n => n.Value.Count > 1))
            {
                LogAmbiguous(logger, Ambiguity(shared.Key, shared.Value));
            }

            return ValidateOptionsResult.Success;
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
        private static partial void LogAmbiguous(ILogger logger, string problem);
    }
}
