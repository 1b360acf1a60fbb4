using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using NUnit.Framework;

namespace Messaging.WhatsApp.RepositoryTests;

/// <summary>
/// Every relative link and backticked repository path in the Markdown files git tracks names something a clone has,
/// and every anchor a heading (<see cref="MarkdownLinks"/>). The checker is tried on small cases first, so that a
/// pass means something.
/// </summary>
public sealed class MarkdownLinkTests
{
    private static readonly string RepoRoot = typeof(MarkdownLinkTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    private static readonly string[] RepeatedAnchors = ["a", "errors", "errors-1", "errors-2"];

    private static readonly string[] Clone =
        ["README.md", "docs/guide.md", "docs/other.md", "src/Messaging.WhatsApp/ChatAddress.cs", ".ci/run"];

    [Test]
    public void TrackedMarkdown_EveryRelativeLinkAndRepositoryPath_Resolves()
    {
        var files = TrackedFiles();
        var markdown = files.Where(f => f.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).ToList();

        var problems = MarkdownLinks.Problems(files, markdown, path => File.ReadAllText(Path.Combine(RepoRoot, path)), out var links, out var paths);

        Assert.Multiple(() =>
        {
            Assert.That(markdown, Does.Contain("README.md").And.Contain("CONTRIBUTING.md").And.Contain("docs/sending.md"), "the Markdown files read");
            Assert.That(problems, Is.Empty, string.Join("\n", problems));
            // Today's guides hold about 80 relative links and 40 repository paths; far fewer means the check stopped reading.
            Assert.That(links, Is.GreaterThanOrEqualTo(40), "relative links checked");
            Assert.That(paths, Is.GreaterThanOrEqualTo(20), "backticked repository paths checked");
        });
    }

    [TestCase("## Without a public URL: polling (GREEN-API)", "without-a-public-url-polling-green-api")]
    [TestCase("## By webhook (ASP.NET Core)", "by-webhook-aspnet-core")]
    [TestCase("### Generated code lives in `obj/`, not in git", "generated-code-lives-in-obj-not-in-git")]
    [TestCase("## Waiting for the delivery status: `--wait <seconds>`", "waiting-for-the-delivery-status---wait-seconds")]
    [TestCase("## The shared rate limit (issue 12): one permit from Redis", "the-shared-rate-limit-issue-12-one-permit-from-redis")]
    [TestCase("## See [the guide](docs/guide.md) — twice", "see-the-guide--twice")]
    [TestCase("## Issue 13: the safe path_names ≥ 1.5×", "issue-13-the-safe-path_names--15")]
    public void Slug_Heading_IsGitHubsAnchor(string heading, string anchor)
    {
        Assert.That(MarkdownLinks.Headings(heading), Is.EquivalentTo(new[] { anchor }));
    }

    [Test]
    public void Headings_Repeated_NumberedAsGitHubDoes()
    {
        Assert.That(MarkdownLinks.Headings("# A\n## Errors\n```sh\n# not a heading\n```\n## Errors\n### Errors"), Is.EquivalentTo(RepeatedAnchors));
    }

    [Test]
    public void Check_LinksAndPathsThatResolve_NoProblem()
    {
        var texts = new Dictionary<string, string>
        {
            ["README.md"] = "See [the guide](docs/guide.md), [its errors](docs/guide.md#errors), [below](#usage), [the folder](docs/),\n" +
                            "[a site](https://example.com/x), [mail](mailto:a@b.c), `src/Messaging.WhatsApp/ChatAddress.cs`, `.ci/run`,\n" +
                            "`specs/<provider>.yaml`, `src/Messaging.WhatsApp.Acme/AcmeSender.cs`, `docs/*.md`.\n\n## Usage\n\n[ref]: docs/other.md\n",
            ["docs/guide.md"] = "# Guide\n\n## Errors\n\nBack to [the README](../README.md#usage) and [the other](other.md).\n",
            ["docs/other.md"] = "```sh\n[not a link](missing.md) `src/missing.cs`\n```\n",
        };

        var problems = MarkdownLinks.Problems(Clone, texts.Keys, p => texts[p], out var links, out var paths);

        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty, string.Join("\n", problems));
            Assert.That(links, Is.EqualTo(7), "the relative links, the reference definition included");
            Assert.That(paths, Is.EqualTo(2), "the two literal repository paths; the examples are left out");
        });
    }

    [TestCase("[x](docs/missing.md)", "names 'docs/missing.md', which a clone does not have")]
    [TestCase("[x](docs/guide.md#nowhere)", "has no heading whose anchor is '#nowhere'")]
    [TestCase("[x](#nowhere)", "'README.md' has no heading whose anchor is '#nowhere'")]
    [TestCase("[x](../shared/PROVIDERS.md)", "points outside the repository")]
    [TestCase("[two\nlines](docs/gone.md)", "README.md:1: [docs/gone.md] names 'docs/gone.md'")]
    [TestCase("`src/Messaging.WhatsApp/Missing.cs`", "`src/Messaging.WhatsApp/Missing.cs` names a path that a clone does not have")]
    [TestCase("`tests/Messaging.WhatsApp.Nothing/`", "names a path that a clone does not have")]
    [TestCase("[ref]: docs/gone.md", "names 'docs/gone.md'")]
    public void Check_BrokenLinkOrPath_Reported(string readme, string expected)
    {
        var texts = new Dictionary<string, string> { ["README.md"] = readme, ["docs/guide.md"] = "# Guide\n## Errors\n" };

        var problems = MarkdownLinks.Problems(Clone, texts.Keys, p => texts[p], out _, out _);

        Assert.That(problems, Has.Count.EqualTo(1).And.Some.Contain(expected), string.Join("\n", problems));
    }

    [Test]
    public void Check_FileOnDiskButNotInTheClone_Reported()
    {
        // artifacts/ exists after a pack, but a clone has no such folder: the clone's file list decides, not the disk.
        var texts = new Dictionary<string, string> { ["README.md"] = "[packages](artifacts/packages/)" };

        var problems = MarkdownLinks.Problems(Clone, texts.Keys, p => texts[p], out _, out _);

        Assert.That(problems, Has.Some.Contain("which a clone does not have"));
    }

    /// <summary>The files a clone has: what git tracks (and has staged), relative to the root with '/'.</summary>
    private static List<string> TrackedFiles()
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "ls-files", "-z" })
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEndAsync();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, "git ls-files in " + RepoRoot + ": " + error.Result);
        return output.Result.Split('\0', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
