using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading.Tasks;
using Messaging.WhatsApp.GreenApi;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Extensions.DependencyInjection;

namespace Messaging.WhatsApp.Benchmarks;

/// <summary>
/// The time to a first send in a fresh process: from the process's start to the end of one send over the in-memory
/// handler, building only what the variant needs (a DI container and the facade, or an HttpClient and hand-written
/// JSON). What a CLI or a short-lived job pays once: loading, JIT, DI, the first request.
/// </summary>
public static class FirstSend
{
    private static readonly string[] Variants = ["greenapi-stj", "greenapi-newtonsoft", "greenapi-facade", "maytapi-stj", "maytapi-newtonsoft", "maytapi-facade"];

    /// <summary>One send of <paramref name="variant"/>; prints the milliseconds from the process's start to its end.</summary>
    public static async Task<int> RunAsync(string variant)
    {
        var root = new Uri("http://in-memory.invalid/");
        string id;
        switch (variant)
        {
            case "greenapi-stj" or "greenapi-newtonsoft":
            {
                using var http = new HttpClient(new CannedHandler()) { BaseAddress = root };
                var address = Baselines.GreenApiAddress(root);
                id = variant.EndsWith("stj", StringComparison.Ordinal) ? await Baselines.GreenApiStjAsync(http, address) : await Baselines.GreenApiNewtonsoftAsync(http, address);
                break;
            }

            case "maytapi-stj" or "maytapi-newtonsoft":
            {
                using var http = new HttpClient(new CannedHandler()) { BaseAddress = Wire.MaytapiBase(root) };
                var address = Baselines.MaytapiAddress(http.BaseAddress!);
                id = variant.EndsWith("stj", StringComparison.Ordinal) ? await Baselines.MaytapiStjAsync(http, address) : await Baselines.MaytapiNewtonsoftAsync(http, address);
                break;
            }

            case "greenapi-facade":
            {
                var services = new ServiceCollection();
                services.AddGreenApi(o =>
                {
                    o.ApiUrl = root;
                    o.IdInstance = Wire.IdInstance;
                    o.ApiTokenInstance = Wire.Token;
                }).ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
                await using var provider = services.BuildServiceProvider();
                id = (await provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(ChatAddress.Parse(Wire.ToNumber), Wire.Text)).MessageId;
                break;
            }

            case "maytapi-facade":
            {
                var services = new ServiceCollection();
                services.AddMaytapi(o =>
                {
                    o.ApiUrl = new Uri(root, "api/");
                    o.ProductId = Wire.ProductId;
                    o.PhoneId = Wire.PhoneId;
                    o.ApiKey = Wire.MaytapiKey;
                }).ConfigurePrimaryHttpMessageHandler(() => new CannedHandler());
                await using var provider = services.BuildServiceProvider();
                id = (await provider.GetRequiredService<IWhatsAppSender>().SendTextAsync(ChatAddress.Parse(Wire.ToNumber), Wire.Text)).MessageId;
                break;
            }

            default:
                Console.Error.WriteLine("unknown variant " + variant);
                return 2;
        }

        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.WriteLine(elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) + " " + id);
        return 0;
    }

    /// <summary>Runs each variant in <paramref name="runs"/> fresh processes, the variants taking turns, and prints the medians.</summary>
    public static async Task<int> RunAllAsync(int runs, string[]? variants)
    {
        variants ??= Variants;
        var times = variants.ToDictionary(v => v, _ => new List<double>());
        var self = typeof(FirstSend).Assembly.Location;
        for (var run = 0; run < runs; run++)
        {
            foreach (var variant in variants)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
                start.ArgumentList.Add(self);
                start.ArgumentList.Add("--first-send");
                start.ArgumentList.Add(variant);
                using var process = Process.Start(start)!;
                var output = await process.StandardOutput.ReadToEndAsync();
                await process.WaitForExitAsync();
                times[variant].Add(double.Parse(output.Split(' ')[0], CultureInfo.InvariantCulture));
            }
        }

        static double Median(List<double> values)
        {
            var sorted = values.OrderBy(v => v).ToList();
            return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
        }

        Console.WriteLine($"time to a first send in a fresh process, {runs} processes per variant (ms, process start to the send's end)");
        Console.WriteLine("| variant | median | min | max | facade / stj |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var variant in variants)
        {
            var provider = variant.Split('-')[0];
            var ratio = variant.EndsWith("facade", StringComparison.Ordinal) && times.TryGetValue(provider + "-stj", out var stj)
                ? (Median(times[variant]) / Median(stj)).ToString("0.00", CultureInfo.InvariantCulture) + "×"
                : string.Empty;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {variant} | {Median(times[variant]):0.0} | {times[variant].Min():0.0} | {times[variant].Max():0.0} | {ratio} |"));
        }

        return 0;
    }
}
