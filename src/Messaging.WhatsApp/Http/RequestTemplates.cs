using System.Net.Http;

namespace Messaging.WhatsApp;

/// <summary>
/// The URL template of a request (such as <c>/{phoneId}/sendMessage</c>), which the
/// generated clients attach for telemetry, only while something listens to <see cref="WhatsAppTelemetry"/>.
/// </summary>
internal static class RequestTemplates
{
    private const string Key = "Messaging.WhatsApp.UrlTemplate";

#if NET5_0_OR_GREATER
    private static readonly HttpRequestOptionsKey<string> OptionsKey = new(Key);
#endif

    public static void Set(HttpRequestMessage request, string template)
    {
        if (!WhatsAppTelemetry.Source.HasListeners())
        {
            return;
        }

#if NET5_0_OR_GREATER
        request.Options.Set(OptionsKey, template);
#else
        request.Properties[Key] = template;
#endif
    }

    public static string? Get(HttpRequestMessage request)
    {
#if NET5_0_OR_GREATER
        return request.Options.TryGetValue(OptionsKey, out var template) ? template : null;
#else
        return request.Properties.TryGetValue(Key, out var template) ? template as string : null;
#endif
    }
}
