using System.Text.RegularExpressions;

namespace Messaging.WhatsApp.DocsTests;

/// <summary>
/// Compares the C# blocks of the guides with the regions of the compiled snippet files. A block is marked by the
/// nearest non-empty line before its fence, <c>&lt;!-- snippet: NAME --&gt;</c> (or <c>NAME + NAME</c>: regions shown
/// one after the other with an empty line between), and must equal its regions line for line, trailing white space
/// aside. A region runs from <c>// snippet: NAME</c> to <c>// end-snippet</c> and is compared without its common
/// indentation. Returns one line per problem, naming the file, the line and the snippet.
/// </summary>
public static partial class SnippetCheck
{
    /// <summary>Fence languages that are C#; only <c>csharp</c> is accepted, the others are reported.</summary>
    private static readonly string[] CSharpFences = ["csharp", "cs", "c#", "C#"];

    /// <summary>The problems of <paramref name="guides"/> against the regions of <paramref name="sources"/>; empty when all agree.</summary>
    /// <param name="guides">Markdown files: a name for the messages, and the text.</param>
    /// <param name="sources">Snippet files: a name for the messages, and the text.</param>
    /// <param name="blocksChecked">How many C# blocks were compared.</param>
    public static IReadOnlyList<string> Problems(IEnumerable<(string Name, string Text)> guides, IEnumerable<(string Name, string Text)> sources, out int blocksChecked)
    {
        var problems = new List<string>();
        var regions = new Dictionary<string, (string File, IReadOnlyList<string> Lines)>(StringComparer.Ordinal);
        foreach (var (file, text) in sources)
        {
            ReadRegions(file, text, regions, problems);
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        blocksChecked = 0;
        foreach (var (file, text) in guides)
        {
            blocksChecked += CheckGuide(file, text, regions, used, problems);
        }

        problems.AddRange(regions.Keys.Where(name => !used.Contains(name)).Order(StringComparer.Ordinal)
            .Select(name => $"{regions[name].File}: region '{name}' is shown in no guide"));
        return problems;
    }

    private static void ReadRegions(string file, string text, Dictionary<string, (string File, IReadOnlyList<string> Lines)> regions, List<string> problems)
    {
        var lines = SplitLines(text);
        string? open = null;
        var start = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("// snippet:", StringComparison.Ordinal))
            {
                if (open is not null)
                {
                    problems.Add($"{file}:{i + 1}: region '{line[11..].Trim()}' starts inside region '{open}'");
                }

                open = line[11..].Trim();
                start = i + 1;
            }
            else if (line == "// end-snippet")
            {
                if (open is null)
                {
                    problems.Add($"{file}:{i + 1}: end-snippet without a region");
                    continue;
                }

                if (!regions.TryAdd(open, (file, Dedent(lines[start..i]))))
                {
                    problems.Add($"{file}:{start}: region '{open}' is also in {regions[open].File}");
                }

                open = null;
            }
            else if (open is null && UsingDirective().IsMatch(lines[i]) && text.Contains("// snippet:", StringComparison.Ordinal))
            {
                // A using outside the regions would make a block compile here that does not compile as shown.
                problems.Add($"{file}:{i + 1}: a using directive outside every region: '{line}'");
            }
        }

        if (open is not null)
        {
            problems.Add($"{file}:{start}: region '{open}' has no end-snippet");
        }
    }

    private static int CheckGuide(string file, string text, Dictionary<string, (string File, IReadOnlyList<string> Lines)> regions, HashSet<string> used, List<string> problems)
    {
        var lines = SplitLines(text);
        var blocks = 0;
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var language = lines[i][3..].Trim();
            var end = i + 1;
            while (end < lines.Length && lines[end].TrimEnd() != "```")
            {
                end++;
            }

            if (end == lines.Length)
            {
                problems.Add($"{file}:{i + 1}: a code block that is never closed");
                return blocks;
            }

            if (CSharpFences.Contains(language, StringComparer.Ordinal))
            {
                blocks++;
                CheckBlock(file, lines, i, end, language, regions, used, problems);
            }

            i = end;
        }

        return blocks;
    }

    private static void CheckBlock(string file, string[] lines, int fence, int end, string language, Dictionary<string, (string File, IReadOnlyList<string> Lines)> regions, HashSet<string> used, List<string> problems)
    {
        var where = $"{file}:{fence + 1}";
        if (language != "csharp")
        {
            problems.Add($"{where}: a C# block fenced as '{language}': fence it as 'csharp'");
            return;
        }

        var marker = fence - 1;
        while (marker >= 0 && lines[marker].Trim().Length == 0)
        {
            marker--;
        }

        var match = marker >= 0 ? Marker().Match(lines[marker].Trim()) : Match.Empty;
        if (!match.Success)
        {
            problems.Add($"{where}: a C# block without a '<!-- snippet: NAME -->' line before it");
            return;
        }

        var names = match.Groups[1].Value.Split('+', StringSplitOptions.TrimEntries);
        var expected = new List<string>();
        foreach (var name in names)
        {
            if (!regions.TryGetValue(name, out var region))
            {
                problems.Add($"{where}: snippet '{name}' is in no file of the snippets project");
                return;
            }

            used.Add(name);
            if (expected.Count > 0)
            {
                expected.Add(string.Empty);
            }

            expected.AddRange(region.Lines);
        }

        var shown = lines[(fence + 1)..end].Select(l => l.TrimEnd()).ToList();
        if (!shown.SequenceEqual(expected, StringComparer.Ordinal))
        {
            var first = Enumerable.Range(0, Math.Max(shown.Count, expected.Count))
                .First(k => k >= shown.Count || k >= expected.Count || shown[k] != expected[k]);
            problems.Add(
                $"{where}: snippet '{match.Groups[1].Value}' differs from its region at its line {first + 1}:\n" +
                $"  guide:   {(first < shown.Count ? shown[first] : "(block ends)")}\n" +
                $"  snippet: {(first < expected.Count ? expected[first] : "(region ends)")}");
        }
    }

    private static List<string> Dedent(string[] lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return lines.Select(l => (l.Trim().Length == 0 ? string.Empty : l[indent..]).TrimEnd()).ToList();
    }

    private static string[] SplitLines(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    [GeneratedRegex(@"^<!--\s*snippet:\s*(.+?)\s*-->$")]
    private static partial Regex Marker();

    [GeneratedRegex(@"^\s*(global\s+)?using\s+[\w.]+\s*(=\s*[\w.<>]+\s*)?;")]
    private static partial Regex UsingDirective();
}
