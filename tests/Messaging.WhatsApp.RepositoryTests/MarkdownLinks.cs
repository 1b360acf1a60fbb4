using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace Messaging.WhatsApp.RepositoryTests;

/// <summary>
/// What a reader of the Markdown files would follow: relative links (<c>[text](path)</c>, <c>[text](path#anchor)</c>,
/// <c>[text](#anchor)</c>, reference definitions) and backticked repository paths (<c>`src/…`</c>). Each must name a
/// file or folder that a clone has (<see cref="Problems"/> is given the clone's files), and each anchor a heading of
/// the Markdown file it points into, by GitHub's rules (<see cref="Slug"/>). Code blocks and code spans are not
/// links; a backticked path with a placeholder (<c>&lt;provider&gt;</c>, <c>*</c>, <c>{…}</c>, <c>…</c>) or naming
/// the example provider Acme of "Adding a provider" is an example, not a file.
/// </summary>
public static partial class MarkdownLinks
{
    private static readonly string[] PathRoots = ["src/", "specs/", "docs/", "tests/", "generator/", "samples/", "benchmarks/"];

    /// <summary>
    /// The broken links and paths of <paramref name="markdown"/> (paths relative to the clone's root, with '/'),
    /// read by <paramref name="read"/>, against the clone's <paramref name="files"/>. One line per problem.
    /// </summary>
    public static IReadOnlyList<string> Problems(IReadOnlyCollection<string> files, IEnumerable<string> markdown, Func<string, string> read, out int linksChecked, out int pathsChecked)
    {
        var fileSet = new HashSet<string>(files, StringComparer.Ordinal);
        var folders = new HashSet<string>(StringComparer.Ordinal) { string.Empty };
        foreach (var file in files)
        {
            for (var slash = file.LastIndexOf('/'); slash > 0; slash = file.LastIndexOf('/', slash - 1))
            {
                folders.Add(file[..slash]);
            }
        }

        var headings = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        HashSet<string> HeadingsOf(string path) =>
            headings.TryGetValue(path, out var found) ? found : headings[path] = Headings(read(path));

        var problems = new List<string>();
        linksChecked = 0;
        pathsChecked = 0;
        foreach (var source in markdown)
        {
            var text = WithoutCode(read(source), out var codeSpans);
            var folder = source.Contains('/', StringComparison.Ordinal) ? source[..source.LastIndexOf('/')] : string.Empty;
            foreach (var (line, target) in Links(text))
            {
                if (Regex.IsMatch(target, "^[a-zA-Z][a-zA-Z0-9+.-]*:"))
                {
                    continue; // https:, mailto: and the like: not a file of the clone
                }

                linksChecked++;
                var hash = target.IndexOf('#', StringComparison.Ordinal);
                var pathPart = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
                var anchor = hash < 0 ? null : Uri.UnescapeDataString(target[(hash + 1)..]);
                var resolved = pathPart.Length == 0 ? source : Normalize(folder, pathPart);
                var where = $"{source}:{line}: [{target}]";
                if (resolved is null)
                {
                    problems.Add($"{where} points outside the repository");
                }
                else if (!fileSet.Contains(resolved) && !folders.Contains(resolved.TrimEnd('/')))
                {
                    problems.Add($"{where} names '{resolved}', which a clone does not have");
                }
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.OrdinalIgnoreCase) && !HeadingsOf(resolved).Contains(anchor))
                {
                    problems.Add($"{where}: '{resolved}' has no heading whose anchor is '#{anchor}' (it has: {string.Join(", ", HeadingsOf(resolved).Order(StringComparer.Ordinal).Select(h => "#" + h))})");
                }
            }

            foreach (var (line, span) in codeSpans)
            {
                if (!LooksLikeRepositoryPath(span))
                {
                    continue;
                }

                pathsChecked++;
                if (!fileSet.Contains(span) && !folders.Contains(span.TrimEnd('/')))
                {
                    problems.Add($"{source}:{line}: `{span}` names a path that a clone does not have");
                }
            }
        }

        return problems;
    }

    /// <summary>The anchors of the headings of <paramref name="markdown"/>, as GitHub makes them (repeats get -1, -2, …).</summary>
    public static HashSet<string> Headings(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in WithoutFencedBlocks(markdown).Split('\n'))
        {
            var match = Heading().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var slug = Slug(match.Groups[1].Value);
            var seen = counts.GetValueOrDefault(slug);
            counts[slug] = seen + 1;
            anchors.Add(seen == 0 ? slug : $"{slug}-{seen}");
        }

        return anchors;
    }

    /// <summary>
    /// GitHub's anchor for a heading's text: links become their text, then lower case, every character but letters,
    /// digits, '-', '_' and spaces dropped (backticks, punctuation, symbols), and each space a '-'.
    /// </summary>
    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading.Trim(), "$1").ToLowerInvariant();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == ' ')
            {
                slug.Append('-');
            }
            else if (char.IsLetterOrDigit(c) || c is '-' or '_' || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark)
            {
                slug.Append(c);
            }
        }

        return slug.ToString();
    }

    private static bool LooksLikeRepositoryPath(string span) =>
        (span == ".ci/run" || PathRoots.Any(root => span.StartsWith(root, StringComparison.Ordinal)))
        && !span.Any(c => c is '<' or '>' or '*' or '{' or '}' or '…' or '|' or ' ' or '$')
        && !span.Contains("...", StringComparison.Ordinal)
        && !span.Contains("acme", StringComparison.OrdinalIgnoreCase);

    /// <summary>The path <paramref name="relative"/> names from <paramref name="folder"/>, or null when it leaves the repository.</summary>
    private static string? Normalize(string folder, string relative)
    {
        var parts = new List<string>(folder.Length == 0 ? [] : folder.Split('/'));
        foreach (var part in relative.Split('/'))
        {
            switch (part)
            {
                case "" or ".":
                    break;
                case "..":
                    if (parts.Count == 0)
                    {
                        return null;
                    }

                    parts.RemoveAt(parts.Count - 1);
                    break;
                default:
                    parts.Add(part);
                    break;
            }
        }

        return string.Join('/', parts) + (relative.EndsWith('/') ? "/" : string.Empty);
    }

    /// <summary>The link targets in <paramref name="text"/> (code already blanked), with their line numbers.</summary>
    private static IEnumerable<(int Line, string Target)> Links(string text)
    {
        foreach (Match match in InlineLinkTarget().Matches(text))
        {
            yield return (LineOf(text, match.Index), match.Groups[1].Value);
        }

        foreach (Match match in ReferenceDefinition().Matches(text))
        {
            yield return (LineOf(text, match.Index), match.Groups[1].Value);
        }
    }

    /// <summary>
    /// The text with fenced blocks and code spans blanked (lines kept, so line numbers hold), and the code spans
    /// with their lines.
    /// </summary>
    private static string WithoutCode(string markdown, out List<(int Line, string Span)> codeSpans)
    {
        var lines = WithoutFencedBlocks(markdown).Split('\n');
        codeSpans = [];
        for (var i = 0; i < lines.Length; i++)
        {
            var line = i + 1;
            var spans = codeSpans;
            lines[i] = CodeSpan().Replace(lines[i], m =>
            {
                spans.Add((line, m.Groups[2].Value.Trim()));
                return new string(' ', m.Length);
            });
        }

        return string.Join('\n', lines);
    }

    private static string WithoutFencedBlocks(string markdown)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var inside = false;
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = lines[i].TrimStart().StartsWith("```", StringComparison.Ordinal);
            if (fence || inside)
            {
                if (fence)
                {
                    inside = !inside;
                }

                lines[i] = string.Empty;
            }
        }

        return string.Join('\n', lines);
    }

    private static int LineOf(string text, int index) => 1 + text.AsSpan(0, index).Count('\n');

    [GeneratedRegex(@"^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\[\]]*)\]\([^()\s]*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"\[[^\[\]]*\]\(([^()\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex InlineLinkTarget();

    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"(`+)(.+?)\1")]
    private static partial Regex CodeSpan();
}
