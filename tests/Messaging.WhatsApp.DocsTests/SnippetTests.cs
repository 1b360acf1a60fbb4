using NUnit.Framework;

namespace Messaging.WhatsApp.DocsTests;

/// <summary>
/// Every C# block of the guides is code this project compiles: marked, and equal to its regions in Snippets/
/// (<see cref="SnippetCheck"/>). The checker itself is tried on small cases first, so a check that passes is one
/// that could have failed.
/// </summary>
public sealed class SnippetTests
{
    private const string Source = """
        // snippet: usings
        using Messaging.WhatsApp;
        // end-snippet

        namespace MyApp;

        public static class Host
        {
            public static void Register(WebApplicationBuilder builder)
            {
                // snippet: register
                builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
                // end-snippet
            }
        }
        """;

    private static readonly string[] UnusedRegions =
        ["Host.cs: region 'register' is shown in no guide", "Host.cs: region 'usings' is shown in no guide"];

    private static readonly string[] UsingOutside = ["Host.cs:1: a using directive outside every region: 'using System.Text;'"];

    private static readonly string[] GuidesExpected =
        ["README.md", "CONTRIBUTING.md", "docs/health.md", "docs/installing.md", "docs/ledger.md", "docs/receiving.md", "docs/sending.md", "samples/Messaging.WhatsApp.Cli/README.md"];

    [Test]
    public void Guides_EveryCSharpBlock_IsMarkedAndEqualToItsRegionsAndEveryRegionIsShown()
    {
        var guides = Repository.Guides();
        var sources = Directory.GetFiles(Repository.SnippetsFolder, "*.cs").Order(StringComparer.Ordinal)
            .Select(p => ("Snippets/" + Path.GetFileName(p), File.ReadAllText(p))).ToList();

        var problems = SnippetCheck.Problems(guides.Select(g => (g, Repository.Read(g))), sources, out var blocks);

        Assert.Multiple(() =>
        {
            Assert.That(guides, Is.SupersetOf(GuidesExpected), "the guides the check reads");
            Assert.That(problems, Is.Empty, string.Join("\n", problems));
            // The guides hold 20 C# blocks today; far fewer would mean the check stopped reading them.
            Assert.That(blocks, Is.GreaterThanOrEqualTo(15), "C# blocks compared");
        });
    }

    [Test]
    public void Check_BlockEqualToItsRegions_NoProblem()
    {
        var guide = """
            <!-- snippet: register -->
            ```csharp
            builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));
            ```

            <!-- snippet: usings + register -->
            ```csharp
            using Messaging.WhatsApp;

            builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"));   
            ```
            """;

        Assert.That(SnippetCheck.Problems([("guide.md", guide)], [("Host.cs", Source)], out var blocks), Is.Empty);
        Assert.That(blocks, Is.EqualTo(2));
    }

    [TestCase("<!-- snippet: register -->\n```csharp\nbuilder.Services.AddGreenApi(builder.Configuration.GetSection(\"Other\"));\n```", "differs from its region at its line 1")]
    [TestCase("```csharp\nbuilder.Services.AddGreenApi(builder.Configuration.GetSection(\"GreenApi\"));\n```", "without a '<!-- snippet: NAME -->' line")]
    [TestCase("<!-- snippet: nowhere -->\n```csharp\nvar x = 1;\n```", "snippet 'nowhere' is in no file")]
    [TestCase("<!-- snippet: register -->\n```cs\nbuilder.Services.AddGreenApi(builder.Configuration.GetSection(\"GreenApi\"));\n```", "fenced as 'cs'")]
    [TestCase("<!-- snippet: register -->\n```csharp\nbuilder.Services.AddGreenApi(builder.Configuration.GetSection(\"GreenApi\"));\nbuilder.Services.AddMaytapi(builder.Configuration.GetSection(\"Maytapi\"));\n```", "at its line 2")]
    public void Check_BlockThatDoesNotMatch_Reported(string guide, string expected)
    {
        var problems = SnippetCheck.Problems([("guide.md", guide)], [("Host.cs", Source)], out _);

        Assert.That(problems, Has.Some.Contain(expected), string.Join("\n", problems));
    }

    [Test]
    public void Check_RegionShownNowhere_Reported()
    {
        var problems = SnippetCheck.Problems([("guide.md", "no code here")], [("Host.cs", Source)], out _);

        Assert.That(problems, Is.EquivalentTo(UnusedRegions));
    }

    [Test]
    public void Check_UsingOutsideTheRegions_Reported()
    {
        var source = "using System.Text;\n" + Source;

        var problems = SnippetCheck.Problems([("guide.md", "<!-- snippet: usings + register -->\n```csharp\nusing Messaging.WhatsApp;\n\nbuilder.Services.AddGreenApi(builder.Configuration.GetSection(\"GreenApi\"));\n```")], [("Host.cs", source)], out _);

        Assert.That(problems, Is.EqualTo(UsingOutside));
    }

    [Test]
    public void Check_UnterminatedOrDuplicateRegion_Reported()
    {
        var problems = SnippetCheck.Problems([], [("A.cs", "// snippet: a\nvar x = 1;\n// end-snippet\n// snippet: b\n"), ("B.cs", "// snippet: a\n// end-snippet\n")], out _);

        Assert.That(problems, Has.Some.Contain("region 'b' has no end-snippet").And.Some.Contain("region 'a' is also in A.cs"));
    }
}
