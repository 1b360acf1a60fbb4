using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// <c>state</c>: asks the gateway for the instance's state through the SDK (the sender's <c>GetInstanceStateAsync</c>), with
/// the settings a send uses or the embedded sandbox, and prints <c>&lt;provider&gt; &lt;state&gt; (&lt;the provider's word&gt;)</c>.
/// Exit 0 when the instance is ready, <see cref="ExitCodes.CannotSend"/> for any other state, and
/// <see cref="ExitCodes.CouldNotAsk"/> when the gateway did not answer with a state.
/// </summary>
internal static class StateCommandRunner
{
    public static async Task<int> RunAsync(StateCommand command, IConfiguration configuration, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var profile = command.Provider;
        var secrets = CliApp.Secrets(configuration);
        using var sandbox = command.Sandbox || !profile.HasAnyCredential(configuration) ? SandboxServer.Start() : null;
        if (sandbox is not null)
        {
            configuration = CliConfiguration.With(configuration, sandbox.SettingsFor(profile));
        }

        var services = new ServiceCollection().AddLogging(logging => CliLogging.Configure(logging, configuration));
        profile.Register(services, null, configuration.GetSection(profile.SectionName));
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
            }
            catch (InvalidOperationException e)
            {
                return await CliApp.ReportAsync(stderr, Failure.Configuration(e, secrets)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OptionsValidationException or AggregateException)
            {
                return await CliApp.ReportAsync(stderr, Failure.From(e, secrets)).ConfigureAwait(false);
            }

            WhatsAppInstanceStatus status;
            try
            {
                status = await profile.AskState(provider, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WhatsAppException or OperationCanceledException)
            {
                var why = e is OperationCanceledException ? "cancelled" : Failure.From(e, secrets).Line["failed: ".Length..];
                return await CliApp.ReportAsync(stderr, new Failure(ExitCodes.CouldNotAsk, $"failed: could not ask {profile.DisplayName} for the instance's state: {why}")).ConfigureAwait(false);
            }

            await stdout.WriteLineAsync($"{profile.CommandLineNames[0]} {Name(status.State)} ({status.ProviderState ?? "null"})").ConfigureAwait(false);
            return status.CanSend ? ExitCodes.Success : ExitCodes.CannotSend;
        }
    }

    /// <summary>The state as the CLI and the <c>whatsapp.instances</c> metric name it.</summary>
    private static string Name(WhatsAppInstanceState state) => state switch
    {
        WhatsAppInstanceState.Ready => "ready",
        WhatsAppInstanceState.Starting => "starting",
        WhatsAppInstanceState.Disconnected => "disconnected",
        WhatsAppInstanceState.NeedsLogin => "needs_login",
        WhatsAppInstanceState.Restricted => "restricted",
        WhatsAppInstanceState.Blocked => "blocked",
        WhatsAppInstanceState.Disabled => "disabled",
        _ => "unknown",
    };
}
