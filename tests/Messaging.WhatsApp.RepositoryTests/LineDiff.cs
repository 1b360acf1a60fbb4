using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Messaging.WhatsApp.RepositoryTests;

/// <summary>One hunk of a line diff: where it starts in each text, and its lines with ' ', '-' or '+' in front.</summary>
public sealed record DiffHunk(int OldStart, int OldCount, int NewStart, int NewCount, IReadOnlyList<string> Lines);

/// <summary>A unified line diff (longest common subsequence), as `diff -u` writes it.</summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffHunk> Hunks(IReadOnlyList<string> old, IReadOnlyList<string> @new, int context = 3)
    {
        // lcs[i, j]: length of the longest common subsequence of old[i..] and new[j..].
        var lcs = new int[old.Count + 1, @new.Count + 1];
        for (var i = old.Count - 1; i >= 0; i--)
        {
            for (var j = @new.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = old[i] == @new[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        // The edit script: (kind, old index, new index) per line.
        var script = new List<(char Kind, int Old, int New)>();
        int a = 0, b = 0;
        while (a < old.Count || b < @new.Count)
        {
            if (a < old.Count && b < @new.Count && old[a] == @new[b])
            {
                script.Add((' ', a++, b++));
            }
            else if (a < old.Count && (b == @new.Count || lcs[a + 1, b] >= lcs[a, b + 1]))
            {
                script.Add(('-', a++, b));
            }
            else
            {
                script.Add(('+', a, b++));
            }
        }

        var hunks = new List<DiffHunk>();
        var k = 0;
        while (k < script.Count)
        {
            if (script[k].Kind == ' ')
            {
                k++;
                continue;
            }

            var start = Math.Max(0, k - context);
            var end = k;
            var lastChange = k;
            while (end < script.Count && (script[end].Kind != ' ' || end - lastChange <= 2 * context))
            {
                if (script[end].Kind != ' ')
                {
                    lastChange = end;
                }

                end++;
            }

            end = Math.Min(script.Count, lastChange + context + 1);
            var lines = new List<string>();
            int oldCount = 0, newCount = 0;
            for (var i = start; i < end; i++)
            {
                var (kind, o, n) = script[i];
                lines.Add(kind + (kind == '+' ? @new[n] : old[o]));
                oldCount += kind == '+' ? 0 : 1;
                newCount += kind == '-' ? 0 : 1;
            }

            hunks.Add(new DiffHunk(script[start].Old + 1, oldCount, script[start].New + 1, newCount, lines));
            k = end;
        }

        return hunks;
    }

    public static string Unified(string oldName, string newName, IReadOnlyList<DiffHunk> hunks)
    {
        var text = new StringBuilder();
        text.Append("--- ").Append(oldName).Append('\n').Append("+++ ").Append(newName).Append('\n');
        foreach (var hunk in hunks)
        {
            text.Append(string.Format(CultureInfo.InvariantCulture, "@@ -{0},{1} +{2},{3} @@\n", hunk.OldStart, hunk.OldCount, hunk.NewStart, hunk.NewCount));
            foreach (var line in hunk.Lines)
            {
                text.Append(line).Append('\n');
            }
        }

        return text.ToString();
    }
}
