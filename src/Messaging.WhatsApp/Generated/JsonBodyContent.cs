using System;
using System.Buffers;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Newtonsoft.Json;

namespace Messaging.WhatsApp;

/// <summary>
/// A JSON request body of a generated client: serialized once, to UTF-8, into a buffer rented from the
/// shared pool and returned when the content is disposed. It has a known length (no chunked upload) and
/// costs no intermediate string.
/// </summary>
internal sealed class JsonBodyContent : HttpContent
{
    /// <summary>A builder per thread for the serializer's text, reused while it stays small.</summary>
    [ThreadStatic]
    private static StringBuilder? t_builder;

#if NETCOREAPP3_0_OR_GREATER
    /// <summary>A UTF-8 encoder per thread, reset for each body.</summary>
    [ThreadStatic]
    private static Encoder? t_encoder;
#endif

    private readonly int _length;
    private byte[]? _buffer;

    private JsonBodyContent(byte[] buffer, int length, string mediaType)
    {
        _buffer = buffer;
        _length = length;
        Headers.TryAddWithoutValidation("Content-Type", mediaType);
    }

    /// <summary>Serializes <paramref name="body"/> with <paramref name="serializer"/>.</summary>
    public static JsonBodyContent Create(object body, JsonSerializer serializer, string mediaType)
    {
        var builder = t_builder ?? new StringBuilder(256);
        t_builder = null;
        try
        {
            builder.Clear();
            using (var writer = new StringWriter(builder, CultureInfo.InvariantCulture))
            using (var json = new JsonTextWriter(writer) { ArrayPool = CharPool.Instance })
            {
                serializer.Serialize(json, body);
            }

            return Encode(builder, mediaType);
        }
        finally
        {
            if (builder.Capacity <= 16 * 1024)
            {
                t_builder = builder;
            }
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(JsonBodyContent));
        return stream.WriteAsync(buffer, 0, _length);
    }

#if NET5_0_OR_GREATER
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = _buffer ?? throw new ObjectDisposedException(nameof(JsonBodyContent));
        return stream.WriteAsync(buffer.AsMemory(0, _length), cancellationToken).AsTask();
    }
#endif

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (disposing && buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        base.Dispose(disposing);
    }

    private static JsonBodyContent Encode(StringBuilder builder, string mediaType)
    {
#if NETCOREAPP3_0_OR_GREATER
        // Encoded from the builder's own chunks: no copy of the characters first. One encoder for all of them, so
        // that a surrogate pair split across two chunks (a long text of emoji) is still one character, not two
        // U+FFFD; a lone surrogate becomes U+FFFD, as Encoding.UTF8 encodes it.
        var encoder = t_encoder ??= Encoding.UTF8.GetEncoder();
        encoder.Reset();
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(builder.Length));
        var length = 0;
        var left = builder.Length;
        foreach (var chunk in builder.GetChunks())
        {
            left -= chunk.Length;
            encoder.Convert(chunk.Span, bytes.AsSpan(length), flush: left == 0, out _, out var written, out _);
            length += written;
        }

        return new JsonBodyContent(bytes, length, mediaType);
#else
        var chars = ArrayPool<char>.Shared.Rent(builder.Length);
        try
        {
            builder.CopyTo(0, chars, 0, builder.Length);
            var length = Encoding.UTF8.GetByteCount(chars, 0, builder.Length);
            var bytes = ArrayPool<byte>.Shared.Rent(length);
            Encoding.UTF8.GetBytes(chars, 0, builder.Length, bytes, 0);
            return new JsonBodyContent(bytes, length, mediaType);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
#endif
    }

    /// <summary>Newtonsoft.Json's buffers from the shared array pool instead of new arrays per call.</summary>
    private sealed class CharPool : IArrayPool<char>
    {
        public static readonly CharPool Instance = new();

        public char[] Rent(int minimumLength) => ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null)
            {
                ArrayPool<char>.Shared.Return(array);
            }
        }
    }
}
