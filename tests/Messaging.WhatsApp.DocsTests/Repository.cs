using System.Reflection;

namespace Messaging.WhatsApp.DocsTests;

/// <summary>The repository this test project was built from, and its guides.</summary>
internal static class Repository
{
    public static string Root { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string SnippetsFolder { get; } = Path.Combine(Root, "tests", "Messaging.WhatsApp.DocsTests", "Snippets");

    /// <summary>README.md, CONTRIBUTING.md, docs/*.md and samples/**/README.md, as paths relative to the root.</summary>
    public static IReadOnlyList<string> Guides()
    {
        var guides = new List<string> { "README.md", "CONTRIBUTING.md" };
        guides.AddRange(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Select(Relative).Order(StringComparer.Ordinal));
        guides.AddRange(Directory.GetFiles(Path.Combine(Root, "samples"), "README.md", SearchOption.AllDirectories)
            .Select(Relative)
            .Where(p => !p.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal));
        return guides;
    }

    public static string Read(string relative) => File.ReadAllText(Path.Combine(Root, relative));

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');
}
