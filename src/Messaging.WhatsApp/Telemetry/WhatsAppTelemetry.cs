using System;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// The library's own traces and metrics, named <see cref="Name"/> for both the <see cref="ActivitySource"/>
/// and the <see cref="Meter"/>. Nothing recorded here carries a secret: URLs are the redacted form the
/// request has outside the last handler (a secret path segment is <c>REDACTED</c> there, a secret header absent), and no header,
/// body, chat or message text is recorded. With no listener attached, each call below costs a field read.
/// </summary>
internal static class WhatsAppTelemetry
{
    /// <summary>The name of the activity source and of the meter: <c>Messaging.WhatsApp</c>.</summary>
    public const string Name = "Messaging.WhatsApp";

    public static readonly ActivitySource Source = new(Name, Version);

    public static readonly Meter Meter = new(Name, Version);

    /// <summary>Sends that finished, by <c>whatsapp.provider</c> and <c>whatsapp.outcome</c> (and <c>error.type</c> on failure).</summary>
    public static readonly Counter<long> Sends = Meter.CreateCounter<long>(
        "whatsapp.client.sends", "{send}", "Sends that finished, by provider and outcome.");

    /// <summary>How long a send took, waiting for the rate limiter and retries included.</summary>
    public static readonly Histogram<double> SendDuration = Meter.CreateHistogram<double>(
        "whatsapp.client.send.duration", "s", "How long a send took, rate-limit waiting and retries included.");

    /// <summary>Attempts repeated because the failure was safe to retry, by provider and <c>error.type</c>.</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "whatsapp.client.send.retries", "{retry}", "Attempts repeated because the failure was safe to retry.");

    /// <summary>Time a send waited for the sender's rate limiter.</summary>
    public static readonly Histogram<double> RateLimitWait = Meter.CreateHistogram<double>(
        "whatsapp.client.rate_limit.wait.duration", "s", "Time a send waited for the sender's rate limiter.");

    /// <summary>
    /// Notifications received, by <c>whatsapp.provider</c>, <c>whatsapp.channel</c> (webhook, polling),
    /// <c>whatsapp.notification.type</c> (the types the provider package reads, <c>other</c> for the rest) and
    /// <c>whatsapp.outcome</c> (handled, handler_failed, cancelled, unauthorized, malformed, too_large).
    /// </summary>
    public static readonly Counter<long> Notifications = Meter.CreateCounter<long>(
        "whatsapp.server.notifications", "{notification}", "Notifications received, by provider, channel, type and outcome.");

    /// <summary>How long the app's handlers took for one notification.</summary>
    public static readonly Histogram<double> NotificationDuration = Meter.CreateHistogram<double>(
        "whatsapp.server.notification.duration", "s", "How long the app's handlers took for one notification.");

    /// <summary>
    /// The monitored instances (<c>AddInstanceStateMonitoring</c>, <c>AddWhatsAppInstances</c>), by <c>whatsapp.provider</c>
    /// and <c>whatsapp.instance.state</c>: every state of every provider that has one, 0 included, so that a state an
    /// instance left reads 0 rather than its last count. A state older than the sender's StateTrustWindow counts as unknown.
    /// </summary>
    public static readonly ObservableGauge<int> Instances = Meter.CreateObservableGauge(
        "whatsapp.instances", InstanceMeasurements, "{instance}", "Monitored WhatsApp instances, by provider and state.");

    public const string InstanceStateTag = "whatsapp.instance.state";

    public const string ChannelTag = "whatsapp.channel";
    public const string NotificationTypeTag = "whatsapp.notification.type";
    public const string ProviderTag = "whatsapp.provider";
    public const string OutcomeTag = "whatsapp.outcome";
    public const string MessageIdTag = "whatsapp.message_id";
    public const string AttemptsTag = "whatsapp.attempts";
    public const string ErrorTypeTag = "error.type";

    /// <summary>The name of a send's outcome in telemetry: <c>success</c>, or what kind of failure.</summary>
    public static string Outcome(Exception? error) => error switch
    {
        null => "success",
        WhatsAppAuthenticationException => "authentication",
        WhatsAppRequestRejectedException => "request_rejected",
        WhatsAppQuotaExceededException => "quota_exceeded",
        WhatsAppRateLimitedException => "rate_limited",
        WhatsAppInstanceNotReadyException => "instance_not_ready",
        WhatsAppInstanceUnavailableException => "instance_unavailable",
        WhatsAppConnectionFailedException => "connection_failed",
        WhatsAppOutcomeUnknownException => "outcome_unknown",
        WhatsAppException => "failed",
        OperationCanceledException => "cancelled",
        _ => "failed",
    };

    /// <summary>
    /// Starts the span of one HTTP exchange, with OpenTelemetry's HTTP client conventions, and puts the same
    /// HTTP tags on the send's span around it. <paramref name="visibleUri"/> is the request's URI as every
    /// handler but the last one sees it, so with a secret path segment as <c>REDACTED</c>. Null when nobody listens.
    /// The URL template (<see cref="RequestTemplates"/>) is looked up only then: reading a request's options creates them.
    /// </summary>
    public static Activity? StartAttempt(HttpRequestMessage request, Uri visibleUri)
    {
        if (!Source.HasListeners())
        {
            return null;
        }

        var urlTemplate = RequestTemplates.Get(request);

        var send = Activity.Current is { } current && current.Source == Source ? current : null;
        var method = request.Method.Method;
        var attempt = Source.StartActivity(urlTemplate is null ? method : method + " " + urlTemplate, ActivityKind.Client);
        TagRequest(send, method, visibleUri, urlTemplate);
        TagRequest(attempt, method, visibleUri, urlTemplate);
        if (attempt is not null && send?.GetTagItem(ProviderTag) is { } provider)
        {
            attempt.SetTag(ProviderTag, provider);
            if (send.GetTagItem(AttemptsTag) is int number && number > 1)
            {
                attempt.SetTag("http.request.resend_count", number - 1);
            }
        }

        return attempt;
    }

    /// <summary>Records the status the gateway answered with.</summary>
    public static void Answered(Activity? attempt, int status)
    {
        if (attempt is null)
        {
            return;
        }

        TagStatus(attempt, status);
        TagStatus(SendOf(attempt), status);
        if (status >= 400)
        {
            attempt.SetStatus(ActivityStatusCode.Error);
        }
    }

    /// <summary>Records an exchange that ended without an answer.</summary>
    public static void Failed(Activity? attempt, Exception error)
    {
        if (attempt is null)
        {
            return;
        }

        attempt.SetTag(ErrorTypeTag, error.GetType().FullName);
        attempt.SetStatus(ActivityStatusCode.Error);
    }

    /// <summary>
    /// Starts the span of one received notification's dispatch (<c>whatsapp.receive</c>). It carries the
    /// provider, channel, type and, for a single update, the message id; never the body, the chat or a secret.
    /// </summary>
    public static Activity? StartReceive(WhatsAppNotificationContext context)
    {
        var activity = Source.HasListeners() ? Source.StartActivity("whatsapp.receive", ActivityKind.Consumer) : null;
        if (activity is not null)
        {
            activity.SetTag(ProviderTag, context.Provider.Name);
            activity.SetTag(ChannelTag, Channel(context.Channel));
            activity.SetTag(NotificationTypeTag, context.TelemetryType);
            activity.SetTag("whatsapp.updates", context.Updates.Count);
            if (context.Updates.Count == 1)
            {
                activity.SetTag(MessageIdTag, context.Updates[0].MessageId);
            }
        }

        return activity;
    }

    /// <summary>Records how a dispatch ended.</summary>
    public static void Received(Activity? activity, WhatsAppNotificationContext context, string outcome, Exception? failure, long startedTimestamp)
    {
        if (activity is not null)
        {
            activity.SetTag(OutcomeTag, outcome);
            if (failure is not null)
            {
                activity.SetTag(ErrorTypeTag, failure.GetType().FullName);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        if (Notifications.Enabled || NotificationDuration.Enabled)
        {
            var tags = new TagList
            {
                { ProviderTag, context.Provider.Name },
                { ChannelTag, Channel(context.Channel) },
                { NotificationTypeTag, context.TelemetryType },
                { OutcomeTag, outcome },
            };
            Notifications.Add(1, tags);
            NotificationDuration.Record(ElapsedSeconds(startedTimestamp), tags);
        }
    }

    /// <summary>Counts a notification refused before its handlers (unauthorized, malformed, too_large).</summary>
    public static void Refused(WhatsAppProvider provider, WhatsAppReceiveChannel channel, string outcome)
    {
        if (Notifications.Enabled)
        {
            Notifications.Add(1, new TagList
            {
                { ProviderTag, provider.Name },
                { ChannelTag, Channel(channel) },
                { NotificationTypeTag, "unread" },
                { OutcomeTag, outcome },
            });
        }
    }

    private static System.Collections.Generic.IEnumerable<Measurement<int>> InstanceMeasurements()
    {
        var counts = new System.Collections.Generic.Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var monitor in InstanceStateMonitor.All)
        {
            var provider = monitor.Current.Provider.Name;
            if (!counts.TryGetValue(provider, out var byState))
            {
                counts[provider] = byState = new int[InstanceStates.All.Length];
            }

            byState[(int)monitor.EffectiveState()]++;
        }

        foreach (var provider in counts)
        {
            foreach (var state in InstanceStates.All)
            {
                yield return new Measurement<int>(
                    provider.Value[(int)state],
                    new System.Collections.Generic.KeyValuePair<string, object?>(ProviderTag, provider.Key),
                    new System.Collections.Generic.KeyValuePair<string, object?>(InstanceStateTag, InstanceStates.Name(state)));
            }
        }
    }

    private static string Channel(WhatsAppReceiveChannel channel) =>
        channel == WhatsAppReceiveChannel.Polling ? "polling" : "webhook";

    private static double ElapsedSeconds(long startedTimestamp) =>
        (Stopwatch.GetTimestamp() - startedTimestamp) / (double)Stopwatch.Frequency;

    private static Activity? SendOf(Activity attempt) =>
        attempt.Parent is { } parent && parent.Source == Source ? parent : null;

    private static void TagRequest(Activity? span, string method, Uri uri, string? urlTemplate)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("http.request.method", method);
        span.SetTag("url.full", uri.GetLeftPart(UriPartial.Path));
        span.SetTag("server.address", uri.Host);
        span.SetTag("server.port", uri.Port);
        if (urlTemplate is not null)
        {
            span.SetTag("url.template", urlTemplate);
        }
    }

    private static void TagStatus(Activity? span, int status)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("http.response.status_code", status);
        if (status >= 400)
        {
            span.SetTag(ErrorTypeTag, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static string Version =>
        typeof(WhatsAppTelemetry).Assembly.GetName().Version?.ToString(3) ?? "1.0.0";
}
