using System;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Messaging.WhatsApp;

/// <summary>Where a gateway puts the credential of its webhook requests.</summary>
internal enum WebhookCredentialPlace
{
    /// <summary>The <c>Authorization</c> header: <c>Bearer &lt;token&gt;</c>, <c>Basic &lt;token&gt;</c> or the bare token.</summary>
    AuthorizationHeader,

    /// <summary>
    /// The query parameter <see cref="WebhookCredential.QueryParameterName"/> of the endpoint's URL, for gateways that cannot send
    /// a header. Not a path segment: ASP.NET Core puts the request's path, but not its query, in a log scope of
    /// every line logged during the request, before any middleware runs.
    /// </summary>
    QueryParameter,
}

/// <summary>
/// The secret a webhook request must present, compared in constant time: both sides are hashed (SHA-256) and
/// the digests compared without an early exit, so neither the content nor the length of the secret leaks
/// through timing. <see cref="ToString"/> never shows it.
/// </summary>
internal sealed class WebhookCredential
{
    private readonly byte[] _digest;

    private WebhookCredential(WebhookCredentialPlace place, string secret)
    {
        Place = place;
        Secret = secret;
        _digest = Digest(secret);
    }

    public WebhookCredentialPlace Place { get; }

    /// <summary>The secret itself: for redaction, and for the URL a person pastes into the gateway's console.</summary>
    public string Secret { get; }

    public static WebhookCredential AuthorizationHeader(string token) => new(WebhookCredentialPlace.AuthorizationHeader, token);

    /// <summary>The name of the query parameter that carries a <see cref="WebhookCredentialPlace.QueryParameter"/> secret.</summary>
    public const string QueryParameterName = "secret";

    public static WebhookCredential QueryParameter(string secret) => new(WebhookCredentialPlace.QueryParameter, secret);

    /// <summary>
    /// Whether <paramref name="presented"/> (the <c>Authorization</c> header's value, or the query parameter's) is
    /// the secret. A header may carry the scheme <c>Bearer</c> (what GREEN-API's own webhook servers expect) or
    /// <c>Basic</c> (also accepted by its C++ server), in any case, or none.
    /// </summary>
    public bool Matches(string? presented)
    {
        if (presented is null)
        {
            return false;
        }

        var value = Place == WebhookCredentialPlace.AuthorizationHeader ? WithoutScheme(presented.Trim()) : presented;
        return FixedTimeEquals(Digest(value), _digest);
    }

    public override string ToString() => Place == WebhookCredentialPlace.AuthorizationHeader
        ? "a token in the Authorization header"
        : "a secret query parameter";

    private static string WithoutScheme(string value)
    {
        foreach (var scheme in new[] { "Bearer ", "Basic " })
        {
            if (value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            {
                return value.Substring(scheme.Length).TrimStart();
            }
        }

        return value;
    }

    private static byte[] Digest(string value)
    {
#if NET8_0_OR_GREATER
        return SHA256.HashData(Encoding.UTF8.GetBytes(value));
#else
        using var sha = SHA256.Create();
        return sha.ComputeHash(Encoding.UTF8.GetBytes(value));
#endif
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
    private static bool FixedTimeEquals(byte[] left, byte[] right)
    {
        var difference = left.Length ^ right.Length;
        for (var i = 0; i < left.Length && i < right.Length; i++)
        {
            difference |= left[i] ^ right[i];
        }

        return difference == 0;
    }
}
