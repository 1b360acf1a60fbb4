using System;
using System.IO;
using System.Linq;
using System.Management.Automation.Language;
using NUnit.Framework;

namespace Messaging.WhatsApp.RepositoryTests;

/// <summary>build.ps1, read with PowerShell's own parser: it must parse, and stay a thin, fail-fast wrapper.</summary>
public sealed class BuildScriptTests
{
    private static readonly string[] ExpectedPrograms = ["dotnet"];

    private static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "repo", "build.ps1");

    private static ScriptBlockAst Parse(out ParseError[] errors) =>
        Parser.ParseFile(ScriptPath, out _, out errors);

    [Test]
    public void BuildScript_ParsedByPowerShell_HasNoErrors()
    {
        var ast = Parse(out var errors);

        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => $"{e.Extent.StartLineNumber}:{e.Extent.StartColumnNumber} {e.ErrorId}: {e.Message}"), Is.Empty);
            Assert.That(ast.EndBlock?.Statements, Is.Not.Empty, "the script has statements");
        });
    }

    [Test]
    public void BuildScript_AStepFails_StopsAtTheFirstFailure()
    {
        var ast = Parse(out _);
        var text = ast.Extent.Text;

        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("$ErrorActionPreference = 'Stop'"));
            Assert.That(
                ast.FindAll(a => a is VariableExpressionAst v && v.VariablePath.UserPath == "LASTEXITCODE", true).Count(),
                Is.GreaterThanOrEqualTo(1),
                "native dotnet exit codes are checked; PowerShell does not stop on them by itself");
        });
    }

    [Test]
    public void BuildScript_ExternalPrograms_OnlyDotnetWithTheReadmeTestCommand()
    {
        var ast = Parse(out _);

        // Cmdlets and the script's own function are Verb-Noun; anything else is an external program.
        var programs = ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>()
            .Select(c => c.GetCommandName())
            .Where(n => n is not null && !n.Contains('-', StringComparison.Ordinal))
            .Distinct()
            .ToList();
        var readme = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "repo", "README.md"));

        Assert.Multiple(() =>
        {
            Assert.That(programs, Is.EqualTo(ExpectedPrograms));
            Assert.That(ast.Extent.Text, Does.Contain("Invoke-Dotnet test Generated.sln"));
            Assert.That(readme, Does.Contain("dotnet test Generated.sln"), "README gives the test command the script runs");
        });
    }
}
