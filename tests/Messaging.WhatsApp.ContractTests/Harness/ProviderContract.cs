using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>What the contract tests need to know about one provider: its spec, its recordings, its client.</summary>
public abstract class ProviderContract
{
    /// <summary>The spec's file name without extension, which is also the folder of its recordings.</summary>
    public abstract string Name { get; }

    /// <summary>The generated exception type the client throws for any status it does not return.</summary>
    public abstract Type ExceptionType { get; }

    public string SpecFile => Path.Combine(TestContext.CurrentContext.TestDirectory, "specs", Name + ".yaml");

    public IEnumerable<string> RecordingFiles =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Recordings", Name), "*.json")
            .Order(StringComparer.Ordinal);

    public RecordedExchange Load(string recordingName) =>
        RecordedExchange.Load(Path.Combine(AppContext.BaseDirectory, "Recordings", Name, recordingName + ".json"));

    public IEnumerable<string> RecordingNames => RecordingFiles.Select(Path.GetFileNameWithoutExtension)!;

    /// <summary>
    /// Sends the recorded request through the generated client method of the recording's operation, as an
    /// application would: the body deserialized into the generated request model, the path and query
    /// parameters passed as arguments. Returns what the method returned (null for a JSON <c>null</c> answer).
    /// </summary>
    public abstract Task<object?> SendAsync(HttpClient http, RecordedExchange exchange, CancellationToken cancellationToken);

    /// <summary>Reads a path parameter of the recording as the type the client method takes.</summary>
    protected static T PathParameter<T>(RecordedExchange exchange, string name) =>
        (exchange.PathParameters[name] ?? throw new InvalidDataException($"Recording '{exchange.Name}' has no path parameter '{name}'."))
            .ToObject<T>()!;

    /// <summary>Reads a query parameter of the recording as the type the client method takes; default when not recorded.</summary>
    protected static T? QueryParameter<T>(RecordedExchange exchange, string name) =>
        exchange.Query[name] is { } value ? value.ToObject<T>() : default;

    /// <summary>The recorded request body as the generated model <typeparamref name="T"/>.</summary>
    protected static T Body<T>(RecordedExchange exchange) =>
        (exchange.RequestBody ?? throw new InvalidDataException($"Recording '{exchange.Name}' has no request body.")).ToObject<T>()!;

    /// <summary>Thrown for a recording whose operation the contract has no client method for.</summary>
    protected static InvalidDataException UnknownOperation(RecordedExchange exchange) =>
        new($"Recording '{exchange.Name}' names operation '{exchange.Operation}', which this provider's contract cannot call: add its client method there.");
}
