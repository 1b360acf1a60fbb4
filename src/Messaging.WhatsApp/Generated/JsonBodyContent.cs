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
/// A JSON request body of a generated client: serialized once, to UTF-8, with a known length (no chunked
/// upload) and no intermediate string. A body of up to <see cref="SmallBody"/> bytes is one exact array (what
/// STJ's <c>SerializeToUtf8Bytes</c> gives too): renting and returning a pooled buffer costs more than that
/// under load, where the send is finished on another thread than it began on. A larger body lives in a buffer
/// rented from the shared pool and returned when the content is disposed.
/// </summary>
internal sealed class JsonBodyContent : HttpContent
{
    /// <summary>
    /// A writer per thread for the serializer's text, with its builder, reused while the builder stays small
    /// and the last body was written whole.
    /// </summary>
    [ThreadStatic]
    private static Writer? t_writer;

#if NETCOREAPP3_0_OR_GREATER
    /// <summary>A UTF-8 encoder per thread, reset for each body.</summary>
    [ThreadStatic]
    private static Encoder? t_encoder;
#endif

    /// <summary>The largest body encoded through this thread's scratch buffer into an exact array.</summary>
    internal const int SmallBody = 4096;

#if NETCOREAPP3_0_OR_GREATER
    [ThreadStatic]
    private static byte[]? t_scratch;
#endif

    private readonly int _length;
    private readonly bool _pooled;
    private byte[]? _buffer;

    private JsonBodyContent(byte[] buffer, int length, bool pooled, string mediaType)
    {
        _buffer = buffer;
        _length = length;
        _pooled = pooled;
        Headers.TryAddWithoutValidation("Content-Type", mediaType);
    }

    /// <summary>Serializes <paramref name="body"/> with <paramref name="serializer"/>.</summary>
    public static JsonBodyContent Create(object body, JsonSerializer serializer, string mediaType)
    {
        // Taken from the thread while in use: a serializer that calls back into a client cannot share it.
        var text = t_writer ?? new Writer();
        t_writer = null;
        text.Builder.Clear();
        serializer.Serialize(text.Json, body);

        // Serialization that throws leaves the writer behind, in whatever state it stopped in.
        var content = Encode(text.Builder, mediaType);
        if (text.Json.WriteState == WriteState.Start && text.Builder.Capacity <= 16 * 1024)
        {
            t_writer = text;
        }

        return content;
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
        if (disposing && _pooled && buffer is not null)
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
        var max = Encoding.UTF8.GetMaxByteCount(builder.Length);
        var small = max <= SmallBody;
        var bytes = small ? t_scratch ??= new byte[SmallBody] : ArrayPool<byte>.Shared.Rent(max);
        var length = 0;
        var left = builder.Length;
        foreach (var chunk in builder.GetChunks())
        {
            left -= chunk.Length;
            encoder.Convert(chunk.Span, bytes.AsSpan(length), flush: left == 0, out _, out var written, out _);
            length += written;
        }

        return small
            ? new JsonBodyContent(bytes.AsSpan(0, length).ToArray(), length, pooled: false, mediaType)
            : new JsonBodyContent(bytes, length, pooled: true, mediaType);
#else
        var chars = ArrayPool<char>.Shared.Rent(builder.Length);
        try
        {
            builder.CopyTo(0, chars, 0, builder.Length);
            var length = Encoding.UTF8.GetByteCount(chars, 0, builder.Length);
            var bytes = ArrayPool<byte>.Shared.Rent(length);
            Encoding.UTF8.GetBytes(chars, 0, builder.Length, bytes, 0);
            return new JsonBodyContent(bytes, length, pooled: true, mediaType);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
#endif
    }

    /// <summary>
    /// A JSON writer over a builder. After one whole value its state is <see cref="WriteState.Start"/> again, and
    /// the next value is written as if by a new writer: without a separator.
    /// </summary>
    private sealed class Writer
    {
        public Writer()
        {
            Builder = new StringBuilder(256);
            Json = new JsonTextWriter(new StringWriter(Builder, CultureInfo.InvariantCulture)) { ArrayPool = CharPool.Instance };
        }

        public StringBuilder Builder { get; }

        public JsonTextWriter Json { get; }
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
