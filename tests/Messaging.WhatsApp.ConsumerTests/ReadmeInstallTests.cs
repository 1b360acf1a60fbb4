using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using NUnit.Framework;

namespace Messaging.WhatsApp.ConsumerTests;

/// <summary>
/// The README's "Installing the packages", followed as written by someone whose app sits beside the clone: the
/// packed folder (artifacts/packages, as the README's pack command and .ci/run write it) in a folder
/// <c>messaging-whatsapp</c>, a new ASP.NET Core project beside it with exactly the README's <c>NuGet.config</c>, and the
/// README's <c>dotnet add package</c> lines run in it. The packages must restore from that folder (not from any other
/// source, nor from a global packages folder that held an older pack), and the app must build against them.
/// </summary>
[NonParallelizable]
public sealed class ReadmeInstallTests
{
    private static readonly string RepoRoot = RepoTools.FindRepoRoot();

    private static readonly string[] PackCommand = ["dotnet pack Generated.sln -c Release -o artifacts/packages"];

    private static readonly string[] OurPackages =
        ["messaging.whatsapp", "messaging.whatsapp.greenapi", "messaging.whatsapp.aspnetcore", "messaging.whatsapp.redis", "messaging.whatsapp.ledger", "messaging.whatsapp.ledger.postgresql"];

    [Test]
    public void ReadmeInstallSteps_FollowedAsWritten_PackagesRestoreFromTheLocalFeedAndTheAppBuilds()
    {
        var section = Section(File.ReadAllText(Path.Combine(RepoRoot, "README.md")), "## Installing the packages");
        var blocks = Blocks(section);
        var pack = blocks.First(b => b.Language == "sh").Lines;
        var config = blocks.Single(b => b.Language == "xml").Lines;
        var adds = blocks.Last(b => b.Language == "sh").Lines.Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(pack, Is.EqualTo(PackCommand), "the pack command writes the folder the NuGet.config names");
            Assert.That(adds, Has.Count.GreaterThanOrEqualTo(3).And.All.StartWith("dotnet add package Messaging.WhatsApp."), "the README's add lines");
        });

        var work = Directory.CreateTempSubdirectory("whatsapp-readme-install-");
        try
        {
            // The clone's packed folder, as the README's pack command leaves it (.ci/run packs before this test).
            var feed = Directory.CreateDirectory(Path.Combine(work.FullName, "messaging-whatsapp", "artifacts", "packages")).FullName;
            var packed = Directory.GetFiles(Path.Combine(RepoRoot, "artifacts", "packages"), "*.nupkg");
            Assert.That(packed, Is.Not.Empty, "run the README's pack command first");
            foreach (var package in packed)
            {
                File.Copy(package, Path.Combine(feed, Path.GetFileName(package)));
            }

            var app = Directory.CreateDirectory(Path.Combine(work.FullName, "my-app")).FullName;
            File.WriteAllText(Path.Combine(app, "NuGet.config"), string.Join('\n', config) + "\n");
            File.WriteAllText(Path.Combine(app, "MyApp.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk.Web">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                var builder = WebApplication.CreateBuilder(args);
                builder.Services.AddGreenApi(builder.Configuration.GetSection("GreenApi"))
                    .UseRedisRateLimiter(builder.Configuration["Redis"]!);
                builder.Services.AddGreenApiWebhook(builder.Configuration.GetSection("GreenApi"));
                if (builder.Configuration.GetConnectionString("Ledger") is { Length: > 0 } postgreSql)
                {
                    builder.Services.AddWhatsAppLedgerPostgreSql(postgreSql);
                }
                else
                {
                    builder.Services.AddWhatsAppLedger("Data Source=whatsapp-ledger.db");
                }

                var app = builder.Build();
                app.MapWhatsAppWebhooks();
                app.Run();
                """);
            // An app of its own, outside this repository's build settings.
            File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />");
            File.WriteAllText(Path.Combine(app, "Directory.Packages.props"), "<Project />");
            // A global packages folder of its own, so that a package restored by an earlier run cannot stand in.
            var globalPackages = Path.Combine(work.FullName, "global-packages");

            foreach (var add in adds)
            {
                var (exit, output) = RepoTools.Dotnet(app, add.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray(), globalPackages);
                Assert.That(exit, Is.Zero, add + "\n" + output);
            }

            var (built, buildOutput) = RepoTools.Dotnet(app, ["build", "MyApp.csproj"], globalPackages);
            Assert.That(built, Is.Zero, buildOutput);

            var version = Path.GetFileNameWithoutExtension(packed.Single(p => Path.GetFileName(p).StartsWith("Messaging.WhatsApp.GreenApi.", StringComparison.Ordinal)))["Messaging.WhatsApp.GreenApi.".Length..];
            Assert.Multiple(() =>
            {
                foreach (var id in OurPackages)
                {
                    var metadata = Path.Combine(globalPackages, id, version, ".nupkg.metadata");
                    Assert.That(File.Exists(metadata), Is.True, $"{id} {version} was restored");
                    if (File.Exists(metadata))
                    {
                        using var json = JsonDocument.Parse(File.ReadAllText(metadata));
                        var source = json.RootElement.GetProperty("source").GetString()!;
                        Assert.That(Path.GetFullPath(source).TrimEnd('/'), Is.EqualTo(feed.TrimEnd('/')), $"{id} came from the clone's packed folder");
                    }
                }
            });
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    /// <summary>The text of <paramref name="heading"/>'s section: up to the next heading of the same level.</summary>
    private static string Section(string markdown, string heading)
    {
        var lines = markdown.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var start = Array.IndexOf(lines, heading);
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "README has the section " + heading);
        var end = start + 1;
        var inCode = false;
        while (end < lines.Length && (inCode || !lines[end].StartsWith("## ", StringComparison.Ordinal)))
        {
            inCode ^= lines[end].StartsWith("```", StringComparison.Ordinal);
            end++;
        }

        return string.Join('\n', lines[start..end]);
    }

    private static List<(string Language, List<string> Lines)> Blocks(string markdown)
    {
        var blocks = new List<(string, List<string>)>();
        List<string>? open = null;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                if (open is null)
                {
                    open = [];
                    blocks.Add((line[3..].Trim(), open));
                }
                else
                {
                    open = null;
                }
            }
            else
            {
                open?.Add(line);
            }
        }

        return blocks;
    }
}
