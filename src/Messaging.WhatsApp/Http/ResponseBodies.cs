using System;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>
/// Reads response bodies as bytes and UTF-8, never by the charset the Content-Type names: a charset .NET
/// does not know (<c>utf8mb4</c>, <c>binary</c>) makes HttpContent's own text reading throw, whatever the
/// status, even on a success. Both gateways answer JSON, which is UTF-8 by definition (RFC 8259).
/// </summary>
internal static class ResponseBodies
{
    /// <summary>Lenient: a byte that is not UTF-8 becomes U+FFFD. For error text only, never for a success.</summary>
    private static readonly UTF8Encoding Lenient = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

#if NET5_0_OR_GREATER
    /// <summary>The body's bytes: HttpContent's own task, with no state machine of ours around it.</summary>
    public static Task<byte[]> ReadBytesAsync(HttpContent content, CancellationToken cancellationToken) =>
        content.ReadAsByteArrayAsync(cancellationToken);
#else
    public static async Task<byte[]> ReadBytesAsync(HttpContent content, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await content.ReadAsByteArrayAsync().ConfigureAwait(false);
    }
#endif

    public static async Task<string> ReadTextAsync(HttpContent content, CancellationToken cancellationToken) =>
        Text(await ReadBytesAsync(content, cancellationToken).ConfigureAwait(false));

    /// <summary>The body as text for an error's diagnostics: UTF-8, invalid bytes replaced, no byte order mark.</summary>
    public static string Text(byte[] body)
    {
        if (body.Length == 0)
        {
            return string.Empty;
        }

        var start = body.Length >= 3 && body[0] == 0xEF && body[1] == 0xBB && body[2] == 0xBF ? 3 : 0;
        return Lenient.GetString(body, start, body.Length - start);
    }
}
