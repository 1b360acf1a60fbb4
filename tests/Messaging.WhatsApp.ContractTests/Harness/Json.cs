using System.IO;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Messaging.WhatsApp.ContractTests.Harness;

/// <summary>JSON parsing for comparisons: values stay as written (a timestamp stays a string).</summary>
public static class Json
{
    public static JToken Parse(string text)
    {
        using var reader = new JsonTextReader(new StringReader(text)) { DateParseHandling = DateParseHandling.None };
        return JToken.ReadFrom(reader);
    }
}
