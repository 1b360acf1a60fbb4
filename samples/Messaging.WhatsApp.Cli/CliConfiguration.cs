using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Messaging.WhatsApp.Cli;

/// <summary>Builds the configuration the CLI reads its credentials from.</summary>
internal static class CliConfiguration
{
    /// <summary>
    /// User secrets, then environment variables (which win). When <paramref name="environment"/> is given it
    /// replaces both, so that a test sees exactly the variables it passes and nothing of the machine.
    /// </summary>
    /// <param name="environment">Environment variables to use instead of the process's and the user secrets, or null.</param>
    /// <returns>The configuration.</returns>
    public static IConfiguration Build(IDictionary<string, string?>? environment)
    {
        var builder = new ConfigurationBuilder();
        if (environment is null)
        {
            builder
                .AddUserSecrets(typeof(CliConfiguration).Assembly, optional: true)
                .AddEnvironmentVariables();
        }
        else
        {
            // The same key mapping as the environment variables provider: "__" separates sections.
            builder.AddInMemoryCollection(environment.Select(
                pair => KeyValuePair.Create(pair.Key.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), pair.Value)));
        }

        return builder.Build();
    }

    /// <summary>The configuration with <paramref name="overrides"/> layered on top.</summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="overrides">Keys (with ':' separators) and values that win.</param>
    /// <returns>The combined configuration.</returns>
    public static IConfiguration With(IConfiguration configuration, IEnumerable<KeyValuePair<string, string?>> overrides) =>
        new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection(overrides)
            .Build();
}
