using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp.Cli.Tests;

/// <summary>A thread-safe writer that a test reads while the CLI still writes to it (listen, --wait).</summary>
internal sealed class LineWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _text = new();

    public override Encoding Encoding => Encoding.UTF8;

    /// <summary>Everything written so far.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>The complete lines written so far, trimmed, without empty ones.</summary>
    public string[] Lines
    {
        get
        {
            var text = Text;
            var complete = text[..(text.LastIndexOf('\n') + 1)];
            return complete.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
        }
    }

    /// <summary>The first complete line that matches, once written; throws when <paramref name="giveUpWhen"/> completes first, or after the timeout.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, Task? giveUpWhen = null, int timeoutSeconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            if (Lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (DateTime.UtcNow > deadline || giveUpWhen is { IsCompleted: true })
            {
                throw new TimeoutException($"no such line; written so far: {Text}");
            }

            await Task.Delay(10);
        }
    }
}
