using System;
using System.Collections.Generic;
using System.Globalization;
using System.Numerics;
using System.Text;
using Newtonsoft.Json;

namespace Messaging.WhatsApp;

/// <summary>
/// Reads exactly one JSON text (RFC 8259) from UTF-8 bytes, and nothing that only resembles one. Newtonsoft's
/// own reader accepts comments, single quotes, unquoted names, NaN, trailing commas, trailing content and
/// bytes that are not UTF-8; a gateway answer read with it can look like a success when it is not. Here any
/// of those is a <see cref="JsonReaderException"/>, as is a byte order mark, a lone surrogate, nesting deeper
/// than <see cref="JsonReader.MaxDepth"/>, and anything but white space after the value.
/// </summary>
/// <remarks>
/// The <c>ReadAs…</c> methods are strict too: <see cref="ReadAsString"/> accepts a string or null and never
/// turns a number or <c>true</c> into text, <see cref="ReadAsBoolean"/> accepts only <c>true</c>,
/// <c>false</c> or null, and the numeric ones only numbers of the right kind and range.
/// </remarks>
internal sealed class StrictJsonReader : JsonReader
{
    /// <summary>The values of <c>true</c> and <c>false</c>, boxed once rather than on every read.</summary>
    private static readonly object BoxedTrue = true;
    private static readonly object BoxedFalse = false;

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly byte[] _json;
    private readonly int _end;

    /// <summary>The open containers, innermost last: a bit each (set for an object) for the first 64, then a list.</summary>
    private ulong _shallow;
    private List<bool>? _deep;
    private int _depth;

    private int _position;
    private Expect _expect = Expect.RootValue;

    /// <summary>Reads <paramref name="count"/> bytes of <paramref name="json"/> from <paramref name="offset"/>.</summary>
    public StrictJsonReader(byte[] json, int offset, int count)
    {
        _json = json;
        _position = offset;
        _end = offset + count;
        MaxDepth = 64;
        DateParseHandling = DateParseHandling.None;
        FloatParseHandling = FloatParseHandling.Double;
    }

    public StrictJsonReader(byte[] json)
        : this(json, 0, json.Length)
    {
    }

    private enum Expect
    {
        RootValue,
        Value,
        ValueOrEndArray,
        NameOrEndObject,
        Name,
        CommaOrEnd,
        Done,
    }

    public override bool Read()
    {
        SkipWhiteSpace();
        switch (_expect)
        {
            case Expect.Done:
                if (_position < _end)
                {
                    throw Fail("content after the JSON value");
                }

                return false;
            case Expect.CommaOrEnd:
                if (_position >= _end)
                {
                    throw Fail("the JSON text ends inside an object or array");
                }

                var separator = _json[_position];
                var inObject = InObject();
                if (separator == (byte)',')
                {
                    _position++;
                    SkipWhiteSpace();
                    _expect = inObject ? Expect.Name : Expect.Value;
                    return Read();
                }

                if (separator == (inObject ? (byte)'}' : (byte)']'))
                {
                    _position++;
                    return EndContainer(inObject);
                }

                throw Fail(inObject ? "expected ',' or '}'" : "expected ',' or ']'");
            case Expect.NameOrEndObject:
                if (_position < _end && _json[_position] == (byte)'}')
                {
                    _position++;
                    return EndContainer(inObject: true);
                }

                return ReadName();
            case Expect.Name:
                return ReadName();
            case Expect.ValueOrEndArray:
                if (_position < _end && _json[_position] == (byte)']')
                {
                    _position++;
                    return EndContainer(inObject: false);
                }

                return ReadValue();
            default:
                return ReadValue();
        }
    }

    /// <summary>
    /// Reads to the end of the object or array the reader is on (just read as its start) and returns its exact
    /// bytes, checked as JSON all the way. Its nesting is not limited here: what reads the bytes applies its own
    /// <see cref="JsonReader.MaxDepth"/>, counted from this value rather than from the text around it.
    /// </summary>
    internal ArraySegment<byte> ReadRawContainer()
    {
        if (TokenType is not (JsonToken.StartObject or JsonToken.StartArray))
        {
            throw Fail("expected an object or an array");
        }

        // The container's first byte was the last one consumed: '{' or '['.
        var start = _position - 1;
        var depth = _depth;
        var maxDepth = MaxDepth;
        MaxDepth = null;
        try
        {
            while (_depth >= depth)
            {
                Read();
            }
        }
        finally
        {
            MaxDepth = maxDepth;
        }

        return new ArraySegment<byte>(_json, start, _position - start);
    }

    /// <summary>Throws unless only white space is left after the value that was read.</summary>
    public void EnsureEnd()
    {
        if (_expect != Expect.Done)
        {
            throw Fail("the JSON text ends before its value is complete");
        }

        SkipWhiteSpace();
        if (_position < _end)
        {
            throw Fail("content after the JSON value");
        }
    }

    public override string? ReadAsString() =>
        NextIsNull("a string", (token, _) => token == JsonToken.String) ? null : (string)Value!;

    public override bool? ReadAsBoolean() =>
        NextIsNull("true or false", (token, _) => token == JsonToken.Boolean) ? null : (bool)Value!;

    public override int? ReadAsInt32() =>
        NextIsNull("an integer in range", (token, value) => token == JsonToken.Integer && value is long l && l is >= int.MinValue and <= int.MaxValue) ? null : (int)(long)Value!;

    public override double? ReadAsDouble() =>
        NextIsNull("a number", (token, _) => token is JsonToken.Float or JsonToken.Integer) ? null
        : Value is long l ? l : Value is BigInteger big ? (double)big : (double)Value!;

    public override decimal? ReadAsDecimal() =>
        NextIsNull("a number in range", (token, value) => value is long || (token == JsonToken.Float && (double)value! is > -7.9e28 and < 7.9e28)) ? null
        : Value is long l ? l : (decimal)(double)Value!;

    public override byte[]? ReadAsBytes() =>
        NextIsNull("a base64 string", (token, value) => token == JsonToken.String && TryBase64((string)value!) is not null) ? null : Convert.FromBase64String((string)Value!);

    public override DateTime? ReadAsDateTime() => ReadAsDateTimeOffset()?.UtcDateTime;

    public override DateTimeOffset? ReadAsDateTimeOffset() =>
        NextIsNull("a date-time string", (token, value) => token == JsonToken.String && TryDate((string)value!) is not null) ? null : TryDate((string)Value!);

    internal static string Describe(JsonToken token) => token switch
    {
        JsonToken.StartObject => "an object",
        JsonToken.StartArray => "an array",
        JsonToken.String => "a string",
        JsonToken.Integer or JsonToken.Float => "a number",
        JsonToken.Boolean => "true or false",
        JsonToken.Null => "null",
        JsonToken.None => "the end of the text",
        _ => token.ToString(),
    };

    private static byte[]? TryBase64(string text)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static DateTimeOffset? TryDate(string text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date) ? date : null;

    /// <summary>Reads the next value: true for JSON null, false for one <paramref name="accepts"/>, an error for anything else.</summary>
    private bool NextIsNull(string expected, Func<JsonToken, object?, bool> accepts)
    {
        Read();
        return TokenType == JsonToken.Null ? true
            : accepts(TokenType, Value) ? false
            : throw Fail($"expected {expected}, found {Describe(TokenType)}");
    }

    /// <summary>Whether the innermost open container is an object.</summary>
    private bool InObject() =>
        _depth <= 64 ? ((_shallow >> (_depth - 1)) & 1) != 0 : _deep![_deep.Count - 1];

    private bool EndContainer(bool inObject)
    {
        _depth--;
        if (_depth >= 64)
        {
            _deep!.RemoveAt(_deep.Count - 1);
        }

        SetToken(inObject ? JsonToken.EndObject : JsonToken.EndArray);
        AfterValue();
        return true;
    }

    private void AfterValue() =>
        _expect = _depth == 0 ? Expect.Done : Expect.CommaOrEnd;

    private bool ReadName()
    {
        if (_position >= _end || _json[_position] != (byte)'"')
        {
            throw Fail("expected a property name in double quotes");
        }

        var name = ReadStringLiteral();
        SkipWhiteSpace();
        if (_position >= _end || _json[_position] != (byte)':')
        {
            throw Fail("expected ':' after a property name");
        }

        _position++;
        SetToken(JsonToken.PropertyName, name);
        _expect = Expect.Value;
        return true;
    }

    private bool ReadValue()
    {
        if (_position >= _end)
        {
            throw Fail(_expect == Expect.RootValue ? "the body is empty" : "the JSON text ends where a value is expected");
        }

        switch (_json[_position])
        {
            case (byte)'{':
                return StartContainer(inObject: true);
            case (byte)'[':
                return StartContainer(inObject: false);
            case (byte)'"':
                SetToken(JsonToken.String, ReadStringLiteral());
                break;
            case (byte)'t':
                ReadLiteral("true"u8);
                SetToken(JsonToken.Boolean, BoxedTrue);
                break;
            case (byte)'f':
                ReadLiteral("false"u8);
                SetToken(JsonToken.Boolean, BoxedFalse);
                break;
            case (byte)'n':
                ReadLiteral("null"u8);
                SetToken(JsonToken.Null);
                break;
            case (byte)'-':
            case >= (byte)'0' and <= (byte)'9':
                ReadNumber();
                break;
            default:
                throw Fail("expected a JSON value");
        }

        AfterValue();
        return true;
    }

    private bool StartContainer(bool inObject)
    {
        if (_depth >= (MaxDepth ?? int.MaxValue))
        {
            throw Fail($"nesting deeper than {MaxDepth}");
        }

        _position++;
        if (_depth < 64)
        {
            _shallow = inObject ? _shallow | (1UL << _depth) : _shallow & ~(1UL << _depth);
        }
        else
        {
            (_deep ??= new List<bool>()).Add(inObject);
        }

        _depth++;
        SetToken(inObject ? JsonToken.StartObject : JsonToken.StartArray);
        _expect = inObject ? Expect.NameOrEndObject : Expect.ValueOrEndArray;
        return true;
    }

    private void ReadLiteral(ReadOnlySpan<byte> literal)
    {
        if (_end - _position < literal.Length || !new ReadOnlySpan<byte>(_json, _position, literal.Length).SequenceEqual(literal))
        {
            throw Fail("expected a JSON value");
        }

        _position += literal.Length;
        EnsureDelimiter();
    }

    private void ReadNumber()
    {
        var start = _position;
        var isFloat = false;
        if (_json[_position] == (byte)'-')
        {
            _position++;
        }

        if (_position < _end && _json[_position] == (byte)'0')
        {
            _position++;
        }
        else if (!SkipDigits())
        {
            throw Fail("malformed number");
        }

        if (_position < _end && _json[_position] == (byte)'.')
        {
            isFloat = true;
            _position++;
            if (!SkipDigits())
            {
                throw Fail("malformed number");
            }
        }

        if (_position < _end && (_json[_position] == (byte)'e' || _json[_position] == (byte)'E'))
        {
            isFloat = true;
            _position++;
            if (_position < _end && (_json[_position] == (byte)'+' || _json[_position] == (byte)'-'))
            {
                _position++;
            }

            if (!SkipDigits())
            {
                throw Fail("malformed number");
            }
        }

        EnsureDelimiter();
        var text = Encoding.ASCII.GetString(_json, start, _position - start);
        if (isFloat)
        {
            var number = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (double.IsInfinity(number))
            {
                throw Fail("the number is out of range");
            }

            SetToken(JsonToken.Float, number);
        }
        else if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            SetToken(JsonToken.Integer, integer);
        }
        else
        {
            SetToken(JsonToken.Integer, BigInteger.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }
    }

    private bool SkipDigits()
    {
        var start = _position;
        while (_position < _end && _json[_position] is >= (byte)'0' and <= (byte)'9')
        {
            _position++;
        }

        return _position > start;
    }

    /// <summary>A literal or number must be followed by white space, a separator or the end: <c>truex</c> and <c>01</c> are not JSON.</summary>
    private void EnsureDelimiter()
    {
        if (_position < _end && _json[_position] is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)',' or (byte)'}' or (byte)']'))
        {
            throw Fail("unexpected character after a value");
        }
    }

    private string ReadStringLiteral()
    {
        _position++; // the opening quote
        var start = _position;

        // The common case, no escapes: decode the bytes as they are.
        while (_position < _end)
        {
            var b = _json[_position];
            if (b == (byte)'"')
            {
                var text = Decode(start, _position - start);
                _position++;
                return text;
            }

            if (b == (byte)'\\')
            {
                return ReadEscapedString(start);
            }

            if (b < 0x20)
            {
                throw Fail("a control character inside a string");
            }

            _position++;
        }

        throw Fail("the JSON text ends inside a string");
    }

    private string ReadEscapedString(int start)
    {
        var builder = new StringBuilder(Decode(start, _position - start));
        var runStart = _position;
        while (_position < _end)
        {
            var b = _json[_position];
            if (b == (byte)'"')
            {
                builder.Append(Decode(runStart, _position - runStart));
                _position++;
                return builder.ToString();
            }

            if (b < 0x20)
            {
                throw Fail("a control character inside a string");
            }

            if (b != (byte)'\\')
            {
                _position++;
                continue;
            }

            builder.Append(Decode(runStart, _position - runStart));
            _position++;
            if (_position >= _end)
            {
                break;
            }

            var escape = _json[_position++];
            switch (escape)
            {
                case (byte)'"': builder.Append('"'); break;
                case (byte)'\\': builder.Append('\\'); break;
                case (byte)'/': builder.Append('/'); break;
                case (byte)'b': builder.Append('\b'); break;
                case (byte)'f': builder.Append('\f'); break;
                case (byte)'n': builder.Append('\n'); break;
                case (byte)'r': builder.Append('\r'); break;
                case (byte)'t': builder.Append('\t'); break;
                case (byte)'u':
                    var unit = ReadHex4();
                    if (char.IsHighSurrogate(unit))
                    {
                        if (_end - _position < 6 || _json[_position] != (byte)'\\' || _json[_position + 1] != (byte)'u')
                        {
                            throw Fail("a lone surrogate in a \\u escape");
                        }

                        _position += 2;
                        var low = ReadHex4();
                        if (!char.IsLowSurrogate(low))
                        {
                            throw Fail("a lone surrogate in a \\u escape");
                        }

                        builder.Append(unit).Append(low);
                    }
                    else if (char.IsLowSurrogate(unit))
                    {
                        throw Fail("a lone surrogate in a \\u escape");
                    }
                    else
                    {
                        builder.Append(unit);
                    }

                    break;
                default:
                    throw Fail("an invalid escape in a string");
            }

            runStart = _position;
        }

        throw Fail("the JSON text ends inside a string");
    }

    private char ReadHex4()
    {
        if (_end - _position < 4)
        {
            throw Fail("a truncated \\u escape");
        }

        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            var c = _json[_position++];
            var digit = c switch
            {
                >= (byte)'0' and <= (byte)'9' => c - '0',
                >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
                _ => throw Fail("an invalid \\u escape"),
            };
            value = (value << 4) | digit;
        }

        return (char)value;
    }

    private string Decode(int start, int count)
    {
        try
        {
            return Utf8.GetString(_json, start, count);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("bytes that are not UTF-8");
        }
    }

    private void SkipWhiteSpace()
    {
        while (_position < _end && _json[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }

    private JsonReaderException Fail(string what) =>
        new($"Not strict JSON at byte {_position}: {what}.");
}
