using System;
using System.Net.Http;
using System.Threading;
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
    private readonly SendPipeline _pipeline;
    private readonly HttpClient? _ownedHttp;

    /// <summary>A core over clients from IHttpClientFactory (<paramref name="httpClient"/>), or over one it owns.</summary>
    public SenderCore(SenderDefinition<TOptions, TClient> definition, TOptions options, Func<HttpClient> httpClient, ILogger? logger, TimeProvider time, HttpClient? ownedHttp = null)
    {
        Guard.NotNull(options);
        Definition = definition;
        Options = options;
        Time = time;
        Redactor = new SecretRedactor([definition.Secret(options).Value]);
        _clients = new ClientSource<TClient>(httpClient, definition.CreateClient, time);
        _pipeline = new SendPipeline(definition.Provider, options.Retry, options.MaxSendsPerSecond, options.RateLimitQueueLimit, time, logger ?? NullLogger.Instance);
        _ownedHttp = ownedHttp;
    }

    public SenderDefinition<TOptions, TClient> Definition { get; }

    public TOptions Options { get; }

    public WhatsAppProvider Provider => Definition.Provider;

    public SecretRedactor Redactor { get; }

    public TimeProvider Time { get; }

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
        var http = SenderHttp.Create(definition.BaseAddress(options), options.Timeout, definition.Secret(options), primaryHandler);
        return new SenderCore<TOptions, TClient>(definition, options, () => http, logger, TimeProvider.System, http);
    }

    /// <summary>Sends through the pipeline, calling <paramref name="attempt"/> with the current client for each attempt.</summary>
    public Task<SendResult> SendAsync<TState>(TState state, Func<TClient, TState, CancellationToken, Task<SendResult>> attempt, CancellationToken cancellationToken) =>
        _pipeline.SendAsync(
            (Clients: _clients, State: state, Attempt: attempt),
            static (s, ct) => s.Attempt(s.Clients.Get(), s.State, ct),
            cancellationToken);

    /// <summary>How a sender names itself: its type and its options, which never show a secret.</summary>
    public string Describe(object sender) => $"{sender.GetType().Name}({Options})";

    public void Dispose()
    {
        _pipeline.Dispose();
        _ownedHttp?.Dispose();
    }
}
