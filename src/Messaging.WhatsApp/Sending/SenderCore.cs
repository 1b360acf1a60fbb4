using System;
using System.Net.Http;
using System.Threading;
using System.Threading.RateLimiting;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Messaging.WhatsApp;

/// <summary>
/// What every sender is made of, whatever the provider: the options, the generated client (reused for a
/// minute), the send pipeline (rate limit, retries, typed failures, telemetry), the redactor of its secret,
/// and, for a sender built without DI, the HTTP client it owns. A provider's sender adds validation of its
/// requests and the call of its generated client.
/// </summary>
/// <typeparam name="TOptions">The provider's options.</typeparam>
/// <typeparam name="TClient">The provider's generated client.</typeparam>
internal sealed class SenderCore<TOptions, TClient> : IDisposable
    where TOptions : WhatsAppSenderOptions
    where TClient : class
{
    private readonly ClientSource<TClient> _clients;
    private readonly HttpClient? _ownedHttp;

    /// <summary>
    /// A core over clients from IHttpClientFactory (<paramref name="httpClient"/>), or over one it owns. Its rate
    /// limiter is the in-process one the options describe, unless <paramref name="createLimiter"/> makes another.
    /// </summary>
    public SenderCore(SenderDefinition<TOptions, TClient> definition, TOptions options, Func<HttpClient> httpClient, ILogger? logger, TimeProvider time, HttpClient? ownedHttp = null, string registrationName = "", Func<WhatsAppRateLimitContext, RateLimiter?>? createLimiter = null, IWhatsAppSendRecorder? recorder = null)
    {
        Guard.NotNull(options);
        Definition = definition;
        Options = options;
        Time = time;
        Redactor = new SecretRedactor([options.Secret().Value]);
        _clients = new ClientSource<TClient>(httpClient, definition.CreateClient, time);
        var limiter = createLimiter is null
            ? RateLimits.PerSecond(options.MaxSendsPerSecond, options.RateLimitQueueLimit)
            : createLimiter(new WhatsAppRateLimitContext(definition.Provider, options.RateLimitInstance(), registrationName, options.MaxSendsPerSecond, options.RateLimitQueueLimit));
        InstanceState = new InstanceStateMonitor(definition.Provider, registrationName, options.RateLimitInstance(), options.StateTrustWindow, options.FailFastWhenUnableToSend, time, logger);
        Pipeline = new SendPipeline(definition.Provider, options.Retry, limiter, time, logger ?? NullLogger.Instance, registrationName, options.RateLimitInstance(), recorder, InstanceState);
        _ownedHttp = ownedHttp;
    }

    public SenderDefinition<TOptions, TClient> Definition { get; }

    public TOptions Options { get; }

    public WhatsAppProvider Provider => Definition.Provider;

    public SecretRedactor Redactor { get; }

    public TimeProvider Time { get; }

    /// <summary>What is known of the instance's state, which fail-fast consults before each send.</summary>
    public InstanceStateMonitor InstanceState { get; }

    /// <summary>Runs the sends: the provider's sender hands it each request with itself as the attempt.</summary>
    public SendPipeline Pipeline { get; }

    /// <summary>The generated client (an attempt's, or a lookup's, polling's: calls with no pipeline around them).</summary>
    public TClient Client() => _clients.Get();

    /// <summary>
    /// A core for a sender built without DI: the options are checked as at startup (an
    /// <see cref="ArgumentException"/> names each broken rule), and the core owns an HTTP client that keeps
    /// the same promises as one from IHttpClientFactory.
    /// </summary>
    /// <param name="definition">The provider.</param>
    /// <param name="options">The options.</param>
    /// <param name="primaryHandler">The caller's network handler, which stays the caller's; or null.</param>
    /// <param name="logger">Where retries are logged, or null.</param>
    public static SenderCore<TOptions, TClient> Standalone(SenderDefinition<TOptions, TClient> definition, TOptions options, HttpMessageHandler? primaryHandler, ILogger? logger)
    {
        definition.Validator.ThrowIfInvalid(options);
        var http = SenderHttp.Create(options.BaseAddress(), options.Timeout, options.Secret(), primaryHandler);
        return new SenderCore<TOptions, TClient>(definition, options, () => http, logger, TimeProvider.System, http);
    }

    public void Dispose()
    {
        Pipeline.Dispose();
        InstanceState.Dispose();
        _ownedHttp?.Dispose();
    }
}
