using System;
using Microsoft.Extensions.Options;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>How a GREEN-API instance's notifications are polled (<c>AddNotificationPolling</c>).</summary>
public sealed class GreenApiPollingOptions
{
    /// <summary>
    /// How long one receiveNotification call waits for a notification before answering that none arrived:
    /// whole seconds from 5 to 60 (GREEN-API's range). Default 20 s. It must be at least 5 s shorter than the
    /// sender's <see cref="WhatsAppSenderOptions.Timeout"/>, which bounds the call.
    /// </summary>
    public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The longest wait after failures in a row (GREEN-API unreachable or refusing, or a handler throwing): the
    /// wait starts at 1 s and doubles up to this. Default 60 s.
    /// </summary>
    public TimeSpan MaxErrorDelay { get; set; } = TimeSpan.FromSeconds(60);

    internal ValidateOptionsResult Validate(string name)
    {
        var prefix = name.Length == 0 ? "GreenApi:Polling:" : $"GreenApi[{name}]:Polling:";
        if (ReceiveTimeout < TimeSpan.FromSeconds(5) || ReceiveTimeout > TimeSpan.FromSeconds(60) || ReceiveTimeout.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return ValidateOptionsResult.Fail($"{prefix}ReceiveTimeout must be whole seconds from 5 to 60 (GREEN-API's receiveTimeout).");
        }

        if (MaxErrorDelay < TimeSpan.FromSeconds(1) || MaxErrorDelay > TimeSpan.FromHours(1))
        {
            return ValidateOptionsResult.Fail($"{prefix}MaxErrorDelay must be from 1 second to 1 hour.");
        }

        return ValidateOptionsResult.Success;
    }
}
