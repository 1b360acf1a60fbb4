using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Xml.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.ConsumerTests;

/// <summary>
/// The packages share internals (the provider packages and their generated clients call internal members of
/// Messaging.WhatsApp), so each depends on exactly the version of the others it was built with: a mixed set must
/// fail when it is restored, not later with a MissingMethodException.
/// </summary>
[NonParallelizable]
public sealed class PackageVersionTests
{
    private static readonly string RepoRoot = RepoTools.FindRepoRoot();
    private static readonly string Feed = Path.Combine(RepoRoot, "artifacts", "packages");

    [TestCase("Messaging.WhatsApp.Maytapi")]
    [TestCase("Messaging.WhatsApp.GreenApi")]
    [TestCase("Messaging.WhatsApp.AspNetCore")]
    [TestCase("Messaging.WhatsApp.Redis")]
    [TestCase("Messaging.WhatsApp.Ledger")]
    [TestCase("Messaging.WhatsApp.Ledger.PostgreSql")]
    public void Nuspec_DependsOnExactlyTheVersionOfMessagingWhatsAppItWasBuiltWith(string id)
    {
        var package = Directory.GetFiles(Feed, id + ".1.*.nupkg").Single(p => !p.EndsWith(".snupkg", StringComparison.Ordinal));
        var version = Path.GetFileNameWithoutExtension(package)[(id.Length + 1)..];
        using var zip = ZipFile.OpenRead(package);
        using var nuspec = zip.Entries.Single(e => e.FullName == id + ".nuspec").Open();
        var dependencies = XDocument.Load(nuspec).Descendants().Where(e => e.Name.LocalName == "dependency")
            .Where(e => ((string?)e.Attribute("id"))?.StartsWith("Messaging.WhatsApp", StringComparison.Ordinal) == true)
            .ToList();

        Assert.Multiple(() =>
        {
            Assert.That(dependencies, Is.Not.Empty, "depends on Messaging.WhatsApp");
            Assert.That(dependencies.Select(d => (string?)d.Attribute("version")), Has.All.EqualTo("[" + version + "]"), "in every target framework's group");
        });
    }

    [Test]
    public void Restore_ProviderPackagesOfTwoVersions_FailsAtRestoreNamingTheConflict()
    {
        // Messaging.WhatsApp and Messaging.WhatsApp.Maytapi at a later version, as an app gets them when it updates one
        // provider package and not the other.
        var work = Directory.CreateTempSubdirectory("whatsapp-mixed-versions-");
        try
        {
            // Packed from a copy of the sources, so that the repository's own build output stays as it is.
            var sources = Path.Combine(work.FullName, "repository");
            CopySources(RepoRoot, sources);
            var newer = Path.Combine(work.FullName, "feed");
            var (packed, packOutput) = RepoTools.Dotnet(
                sources,
                [
                    "pack", Path.Combine(sources, "src", "Messaging.WhatsApp.Maytapi", "Messaging.WhatsApp.Maytapi.csproj"), "-c", "Release", "-o", newer,
                    "-p:MessagingWhatsAppVersion=1.0.1", "-p:EnablePackageValidation=false",
                ]);
            Assert.That(packed, Is.Zero, packOutput);
            (packed, packOutput) = RepoTools.Dotnet(
                sources,
                [
                    "pack", Path.Combine(sources, "src", "Messaging.WhatsApp", "Messaging.WhatsApp.csproj"), "-c", "Release", "-o", newer,
                    "-p:MessagingWhatsAppVersion=1.0.1", "-p:EnablePackageValidation=false",
                ]);
            Assert.That(packed, Is.Zero, packOutput);

            var (same, sameOutput) = Restore(work, "same", ("Messaging.WhatsApp.GreenApi", "1.0.0"), ("Messaging.WhatsApp.Maytapi", "1.0.0"), newer);
            var (mixed, mixedOutput) = Restore(work, "mixed", ("Messaging.WhatsApp.GreenApi", "1.0.0"), ("Messaging.WhatsApp.Maytapi", "1.0.1"), newer);

            Assert.Multiple(() =>
            {
                Assert.That(same, Is.Zero, "the control: one version of everything restores\n" + sameOutput);
                Assert.That(mixed, Is.Not.Zero, "a mixed set is refused\n" + mixedOutput);
                Assert.That(mixedOutput, Does.Contain("NU1107").And.Contain("Messaging.WhatsApp"), "NuGet names the conflict");
            });
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Restore(DirectoryInfo work, string name, (string Id, string Version) first, (string Id, string Version) second, string newerFeed)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work.FullName, name)).FullName;
        File.WriteAllText(Path.Combine(folder, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
                <RestorePackagesPath>{Path.Combine(folder, "packages")}</RestorePackagesPath>
                <RestoreAdditionalProjectSources>{Feed};{newerFeed}</RestoreAdditionalProjectSources>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{first.Id}" Version="{first.Version}" />
                <PackageReference Include="{second.Id}" Version="{second.Version}" />
              </ItemGroup>
            </Project>
            """);

        // Outside the repository's Directory.Build.props and Directory.Packages.props: an app of its own.
        File.WriteAllText(Path.Combine(folder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "Directory.Packages.props"), "<Project />");
        return RepoTools.Dotnet(folder, ["restore", name + ".csproj"]);
    }

    /// <summary>The repository's files but its build output, packages and tools.</summary>
    private static void CopySources(string from, string to)
    {
        string[] skipped = ["bin", "obj", "artifacts", "node_modules", ".git"];
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(from, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => skipped.Contains(part)))
            {
                continue;
            }

            var target = Path.Combine(to, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
