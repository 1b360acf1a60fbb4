using System;
using System.Diagnostics;
using System.IO;

namespace Messaging.WhatsApp.ConsumerTests;

/// <summary>What the consumer tests share: the clone they run in and the <c>dotnet</c> CLI.</summary>
internal static class RepoTools
{
    /// <summary>The folder holding Generated.sln, above the test's output.</summary>
    internal static string FindRepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Generated.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Runs <c>dotnet</c> with <paramref name="arguments"/> in <paramref name="directory"/> and returns its exit code with
    /// its output and errors; with <paramref name="globalPackages"/>, restores into that folder (NUGET_PACKAGES).
    /// </summary>
    internal static (int ExitCode, string Output) Dotnet(string directory, string[] arguments, string? globalPackages = null)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        if (globalPackages is not null)
        {
            start.Environment["NUGET_PACKAGES"] = globalPackages;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
