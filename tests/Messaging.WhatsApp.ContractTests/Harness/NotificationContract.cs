using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NUnit.Framework;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>What the contract tests need to know about one provider's notifications: their document and recordings.</summary>
public abstract class NotificationContract
{
    /// <summary>The document's file name without extension, which is also the folder of its recordings.</summary>
    public abstract string Name { get; }

    /// <summary>The provider's name in an update (<c>provider</c>), e.g. <c>green-api</c>.</summary>
    public abstract string Provider { get; }

    public string SpecFile => Path.Combine(TestContext.CurrentContext.TestDirectory, "specs", Name + ".yaml");

    public IEnumerable<string> RecordingNames =>
        Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "Recordings", Name), "*.json")
            .Order(StringComparer.Ordinal)
            .Select(Path.GetFileNameWithoutExtension)!;

    public RecordedNotification Load(string recordingName) =>
        RecordedNotification.Load(Path.Combine(AppContext.BaseDirectory, "Recordings", Name, recordingName + ".json"));
}
