using System;

namespace Messaging.WhatsApp;

/// <summary>
/// What every sender's options have: where the gateway is, how long an attempt may take, the rate limit and
/// the retries. Each provider's options add its credentials and identifiers; all of it is checked at startup.
/// </summary>
public abstract class WhatsAppSenderOptions
{
    /// <summary>Sets the provider's defaults.</summary>
    /// <param name="defaultApiUrl">The gateway's API root.</param>
    /// <param name="defaultMaxSendsPerSecond">The provider's documented rate limit, or 0 for none.</param>
    protected WhatsAppSenderOptions(Uri defaultApiUrl, int defaultMaxSendsPerSecond)
    {
        ApiUrl = defaultApiUrl;
        MaxSendsPerSecond = defaultMaxSendsPerSecond;
    }

    /// <summary>The gateway's API root (the provider's options name the default).</summary>
    public Uri ApiUrl { get; set; }

    /// <summary>
    /// How long one attempt may take, request and answer (its body included). Default 30 s; at most 24 days.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Sends a second this sender allows itself, so that a burst waits instead of being refused; 0 turns the
    /// limiter off. The provider's options name the default.
    /// </summary>
    public int MaxSendsPerSecond { get; set; }

    /// <summary>Sends that may wait for the rate limiter before a send fails fast. Default 10,000.</summary>
    public int RateLimitQueueLimit { get; set; } = 10_000;

    /// <summary>Automatic retries, of failures where the provider certainly did not act.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>
    /// When true, a send fails at once with <see cref="WhatsAppInstanceUnavailableException"/> (nothing sent, safe to
    /// retry) while the instance is known to be unable to send: logged out, restricted, blocked or disabled, as learned
    /// within <see cref="StateTrustWindow"/> by the instance state monitoring (<c>AddInstanceStateMonitoring</c>) or
    /// <c>GetInstanceStateAsync</c>. Otherwise the gateway accepts such a send and keeps it queued (GREEN-API for 24
    /// hours), where it may never leave. Off by default: a state that changed since it was learned can refuse a send
    /// that would have gone out.
    /// </summary>
    public bool FailFastWhenUnableToSend { get; set; }

    /// <summary>
    /// How long a learned instance state is trusted: by <see cref="FailFastWhenUnableToSend"/>, the health check and the
    /// <c>whatsapp.instances</c> metric; an older one counts as unknown. 1 second to 1 day; default 5 minutes, five
    /// times the default poll interval. It must be longer than the monitoring's poll interval.
    /// </summary>
    public TimeSpan StateTrustWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The base address of a client for these options (it ends with '/').</summary>
    internal abstract Uri BaseAddress();

    /// <summary>The credential, and where in a request it goes.</summary>
    internal abstract RequestSecret Secret();

    /// <summary>What the gateway counts its rate limit against, never a credential (<see cref="WhatsAppRateLimitContext.InstanceId"/>).</summary>
    internal abstract string RateLimitInstance();

    /// <summary>Records the rules the provider's own settings break.</summary>
    internal abstract void Validate(OptionsChecks check);
}
