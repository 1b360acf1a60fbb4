using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.RepositoryTests;

/// <summary>
/// The NSwag templates in generator/Templates are forks of the pinned NSwag version's own. Each fork is that
/// upstream template plus small changes, each marked <c>{% comment %}fork:&lt;id&gt;{% endcomment %}</c> and
/// described in generator/Templates/README.md, and its diff against upstream is recorded in
/// generator/Templates/patches/. These tests extract the upstream templates from the NSwag.MSBuild package the
/// build uses and fail when a fork has drifted from its recorded base: after an NSwag upgrade the failure
/// shows exactly what to re-apply. Run with UPDATE_TEMPLATE_PATCHES=1 to record the patches after a
/// deliberate change, then review them.
/// </summary>
public sealed partial class TemplateForkTests
{
    private static string Repo => Metadata("RepoRoot");

    private static string TemplatesDirectory => Path.Combine(Repo, "generator", "Templates");

    private static readonly JsonSerializerOptions ManifestFormat = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private static Manifest Upstream { get; } = JsonSerializer.Deserialize<Manifest>(
        File.ReadAllText(Path.Combine(TemplatesDirectory, "upstream.json")), ManifestFormat)!;

    public static IEnumerable<string> Templates() => Upstream.Templates.Keys.Order(StringComparer.Ordinal);

    [Test]
    public void Manifest_RecordsTheNSwagVersionTheBuildPins()
    {
        var pinned = XDocument.Load(Path.Combine(Repo, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "NSwag.MSBuild")
            .Attribute("Version")!.Value;

        Assert.Multiple(() =>
        {
            Assert.That(Upstream.NSwag, Is.EqualTo(pinned), "generator/Templates/upstream.json names the NSwag version the forks are based on");
            Assert.That(Metadata("NSwagTools"), Does.Contain(pinned), "the templates are read from the pinned package");
        });
    }

    [Test]
    public void Manifest_ListsEveryForkedTemplate()
    {
        var forks = Directory.EnumerateFiles(TemplatesDirectory, "*.liquid").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.That(forks, Is.EqualTo(Templates()));
    }

    [TestCaseSource(nameof(Templates))]
    public void Fork_AgainstThePinnedUpstream_IsItsRecordedPatch(string template)
    {
        var actual = Patch(template);
        var recordedFile = Path.Combine(TemplatesDirectory, "patches", template + ".diff");
        if (Environment.GetEnvironmentVariable("UPDATE_TEMPLATE_PATCHES") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(recordedFile)!);
            File.WriteAllText(recordedFile, actual);
        }

        var recorded = File.Exists(recordedFile) ? Normalize(File.ReadAllText(recordedFile)) : "(no recorded patch)";

        Assert.That(
            actual,
            Is.EqualTo(recorded),
            $"{template} no longer differs from NSwag {Upstream.NSwag}'s own template as generator/Templates/patches/{template}.diff records. " +
            "If NSwag was upgraded, re-apply the recorded changes to the new upstream template; if the fork was changed on purpose, " +
            "update README.md and record the patch (UPDATE_TEMPLATE_PATCHES=1). The diff now is:\n" + actual);
    }

    [TestCaseSource(nameof(Templates))]
    public void Fork_EveryChange_IsMarkedAndDescribed(string template)
    {
        var hunks = LineDiff.Hunks(Lines(UpstreamText(template)), Lines(ForkText(template)));
        var readme = File.ReadAllText(Path.Combine(TemplatesDirectory, "README.md"));

        Assert.Multiple(() =>
        {
            Assert.That(hunks, Is.Not.Empty, "a template that is not changed is not forked");
            foreach (var hunk in hunks)
            {
                // A run that adds lines carries its own marker; a run that only removes upstream lines belongs
                // to the marked change beside it in the same hunk.
                var blocks = ChangeBlocks(hunk).Select(b => (Lines: b, Ids: b.Where(l => l.StartsWith('+')).SelectMany(l => Marker().Matches(l)).Select(m => m.Groups[1].Value).ToList())).ToList();
                foreach (var (lines, ids) in blocks)
                {
                    var removesOnly = lines.All(l => l.StartsWith('-'));
                    Assert.That(
                        ids.Count > 0 || (removesOnly && blocks.Any(b => b.Ids.Count > 0)),
                        Is.True,
                        $"{template} @@ -{hunk.OldStart} +{hunk.NewStart}: a change without a fork:<id> marker:\n{string.Join("\n", lines)}");
                    foreach (var id in ids)
                    {
                        Assert.That(readme, Does.Contain($"`fork:{id}`"), $"{template}: fork:{id} is described in generator/Templates/README.md");
                    }
                }
            }
        });
    }

    /// <summary>The runs of changed lines of a hunk, each of which must carry its marker.</summary>
    private static IEnumerable<List<string>> ChangeBlocks(DiffHunk hunk)
    {
        var block = new List<string>();
        foreach (var line in hunk.Lines)
        {
            if (line.StartsWith(' '))
            {
                if (block.Count > 0)
                {
                    yield return block;
                    block = new List<string>();
                }
            }
            else
            {
                block.Add(line);
            }
        }

        if (block.Count > 0)
        {
            yield return block;
        }
    }

    private static string Patch(string template) =>
        Normalize(LineDiff.Unified(
            $"NSwag {Upstream.NSwag} {Upstream.Templates[template]}/{template}",
            $"generator/Templates/{template}",
            LineDiff.Hunks(Lines(UpstreamText(template)), Lines(ForkText(template)))));

    private static string ForkText(string template) => Normalize(File.ReadAllText(Path.Combine(TemplatesDirectory, template)));

    /// <summary>The template as the pinned NSwag embeds it, read from its assembly without running any of it.</summary>
    private static string UpstreamText(string template)
    {
        var context = new AssemblyLoadContext("nswag-templates", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.Combine(Metadata("NSwagTools"), Upstream.Templates[template] + ".dll"));
            var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Templates." + template, StringComparison.Ordinal));
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            return Normalize(reader.ReadToEnd());
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>LF line ends, no byte order mark, one final line end: upstream uses CRLF, the forks LF.</summary>
    private static string Normalize(string text) => text.TrimStart('\uFEFF').Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";

    private static List<string> Lines(string text) => text.TrimEnd('\n').Split('\n').ToList();

    private static string Metadata(string key) =>
        typeof(TemplateForkTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    [GeneratedRegex(@"\{% comment %\}fork:([a-z0-9-]+)\{% endcomment %\}")]
    private static partial Regex Marker();

    private sealed record Manifest(string NSwag, Dictionary<string, string> Templates);
}
