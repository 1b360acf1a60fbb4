using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// <c>whatsapp-send</c>: parses the arguments, picks real credentials or the embedded sandbox, sends one text
/// through the SDK and reports the outcome as one line and an exit code (see <see cref="ExitCodes"/>).
/// </summary>
internal static class CliApp
{
    /// <summary>Runs the command in-process.</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="stdout">Receives the one success line, or the help.</param>
    /// <param name="stderr">Receives the one failure line.</param>
    /// <param name="environment">Environment variables to read instead of the process's and the user secrets, or null for the real ones.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args,
        TextWriter stdout,
        TextWriter stderr,
        IDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);

        var parsed = CommandLine.Parse(args);
        if (parsed.Help)
        {
            await stdout.WriteLineAsync(CommandLine.Help).ConfigureAwait(false);
            return ExitCodes.Sent;
        }

        if (parsed.Command is not { } command)
        {
            return await ReportAsync(stderr, Failure.Usage(parsed.Error!)).ConfigureAwait(false);
        }

        ChatAddress chat;
        try
        {
            chat = ChatAddress.Parse(command.To);
        }
        catch (FormatException e)
        {
            return await ReportAsync(stderr, new Failure(ExitCodes.Usage, "failed: --to: " + e.Message)).ConfigureAwait(false);
        }

        var profile = command.Provider;
        var configuration = CliConfiguration.Build(environment);
        var secrets = ProviderProfile.All.Select(p => p.Secret(configuration)).ToList();
        var useSandbox = command.Sandbox || !profile.HasAnyCredential(configuration);

        using var sandbox = useSandbox ? SandboxServer.Start() : null;
        if (sandbox is not null)
        {
            configuration = CliConfiguration.With(configuration, sandbox.SettingsFor(profile));
        }

        var services = new ServiceCollection()
            .AddLogging(logging => ConfigureLogging(logging, configuration));
        profile.Register(services, configuration.GetSection(profile.SectionName));
        var provider = services.BuildServiceProvider();
        await using (provider.ConfigureAwait(false))
        {
            IWhatsAppSender sender;
            try
            {
                provider.GetRequiredService<IStartupValidator>().Validate();
                sender = provider.GetRequiredService<IWhatsAppSender>();
            }
            catch (InvalidOperationException e)
            {
                // A value that does not bind (e.g. IdInstance=abc) surfaces here.
                return await ReportAsync(stderr, Failure.Configuration(e, secrets)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OptionsValidationException or AggregateException)
            {
                return await ReportAsync(stderr, Failure.From(e, secrets)).ConfigureAwait(false);
            }

            try
            {
                var result = await sender.SendTextAsync(chat, command.Text, command.ReplyTo, cancellationToken).ConfigureAwait(false);
                var mode = sandbox is null ? string.Empty : " (sandbox)";
                await stdout.WriteLineAsync($"sent via {profile.DisplayName}{mode}: message {result.MessageId} to {result.ChatId}").ConfigureAwait(false);
                return ExitCodes.Sent;
            }
            catch (Exception e) when (e is WhatsAppException or ArgumentException or OperationCanceledException)
            {
                return await ReportAsync(stderr, Failure.From(e, secrets)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Console logging at Warning unless <c>Logging__LogLevel__Default</c> says otherwise, all of it on stderr
    /// so that stdout carries only the result line.
    /// </summary>
    private static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    }

    private static async Task<int> ReportAsync(TextWriter stderr, Failure failure)
    {
        await stderr.WriteLineAsync(failure.Line).ConfigureAwait(false);
        return failure.ExitCode;
    }
}
