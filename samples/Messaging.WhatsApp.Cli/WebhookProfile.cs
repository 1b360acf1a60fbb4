using System;
using System.Collections.Generic;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.Cli;

/// <summary>
/// What the CLI knows about receiving one provider's notifications: its webhook setting and registration, whether
/// its sender can poll instead, and how the sandbox plays its notifications from the recorded ones.
/// </summary>
/// <param name="SecretKey">The key, in the provider's section, of the webhook credential: its presence means
/// "listen for this provider", and its value is masked in every line the CLI prints (except in the one URL that
/// must carry it).</param>
/// <param name="Register">Registers the webhook receiver from the section.</param>
/// <param name="RegisterSenderWithPolling">Registers the sender from the section together with polling of its
/// notification queue, or null when the provider cannot be polled (it only posts to a webhook).</param>
/// <param name="SandboxNotifications">The recorded notifications (embedded resources) the sandbox posts after a
/// send, in order: the one that reads as <c>sent</c>, then the one that reads as <c>delivered</c>.</param>
/// <param name="SandboxSecret">The webhook credential a recorded notification presents.</param>
/// <param name="SandboxNotification">A recorded notification's body (a copy) made to report on the sent message,
/// now: its message id, chat and time substituted.</param>
internal sealed record WebhookProfile(
    string SecretKey,
    Action<IServiceCollection, IConfiguration> Register,
    Action<IServiceCollection, IConfiguration>? RegisterSenderWithPolling,
    IReadOnlyList<string> SandboxNotifications,
    Func<RecordedExchange, string?> SandboxSecret,
    Func<JObject, SendResult, DateTimeOffset, JObject> SandboxNotification);
