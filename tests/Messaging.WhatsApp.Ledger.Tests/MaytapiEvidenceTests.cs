using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Messaging.WhatsApp.Maytapi;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;

namespace Messaging.WhatsApp.Ledger.Tests;

/// <summary>
/// Maytapi keeps no journal: an unknown outcome is settled from its reports, an ack or an error for the record's chat
/// after the attempt, about a message id no other record holds, when it is the only unknown record of that chat.
/// </summary>
public sealed class MaytapiEvidenceTests
{
    private static readonly ChatAddress Chat = ChatAddress.Parse("905301111111");

    [Test]
    public async Task Unknown_AnAckForItsChatAfterTheAttempt_AcceptedWithThatId_AndItsStatus()
    {
        await using var host = await MaytapiHost.StartAsync();
        await host.SendUnknownAsync("m-1", "Hello");

        await host.ReceiveAsync(Ack("a3ff8460-c710-11ee-a8e7-5fbaaf152c1d", "905301111111@c.us", WhatsAppMessageStatus.Delivered, "reached", DateTimeOffset.UtcNow.AddSeconds(5)));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        var record = await host.Ledger.FindByKeyAsync("m-1");
        Assert.Multiple(() =>
        {
            Assert.That(record!.Outcome, Is.EqualTo(LedgerOutcome.Accepted));
            Assert.That(record.MessageId, Is.EqualTo("a3ff8460-c710-11ee-a8e7-5fbaaf152c1d"));
            Assert.That(record.Status, Is.EqualTo(WhatsAppMessageStatus.Delivered), "the report's status applied");
            Assert.That(host.Requests, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Unknown_TwoUnknownSendsToTheChat_AReportSettlesNeither()
    {
        await using var host = await MaytapiHost.StartAsync();
        await host.SendUnknownAsync("m-2", "First");
        await host.SendUnknownAsync("m-3", "Second");

        await host.ReceiveAsync(Ack("b4ff8460-c710-11ee-a8e7-5fbaaf152c1d", "905301111111@c.us", WhatsAppMessageStatus.Sent, "delivered", DateTimeOffset.UtcNow.AddSeconds(5)));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.Multiple(async () =>
        {
            Assert.That((await host.Ledger.FindByKeyAsync("m-2"))!.Outcome, Is.EqualTo(LedgerOutcome.Unknown), "which of the two? no evidence for either");
            Assert.That((await host.Ledger.FindByKeyAsync("m-3"))!.Outcome, Is.EqualTo(LedgerOutcome.Unknown));
        });
    }

    [Test]
    public async Task Unknown_OnlyAReportBeforeTheAttemptOrAboutAnotherRecordsMessage_NotSettled()
    {
        await using var host = await MaytapiHost.StartAsync();
        host.Answer = HttpStatusCode.OK;
        var accepted = await host.Sender.SendTextAsync(Chat, "Accepted", null, new SendOptions { IdempotencyKey = "m-ok" });
        host.Answer = HttpStatusCode.BadGateway;
        await host.SendUnknownAsync("m-4", "Unknown");

        await host.ReceiveAsync(Ack(accepted.MessageId, "905301111111@c.us", WhatsAppMessageStatus.Read, "seen", DateTimeOffset.UtcNow.AddSeconds(5)));
        await host.ReceiveAsync(Ack("c5ff8460-c710-11ee-a8e7-5fbaaf152c1d", "905301111111@c.us", WhatsAppMessageStatus.Sent, "delivered", DateTimeOffset.UtcNow.AddHours(-1)));
        await host.Reconciler.RunOnceAsync(CancellationToken.None);

        Assert.That((await host.Ledger.FindByKeyAsync("m-4"))!.Outcome, Is.EqualTo(LedgerOutcome.Unknown));
    }

    private static WhatsAppUpdate Ack(string messageId, string chat, WhatsAppMessageStatus status, string word, DateTimeOffset time) =>
        new(MaytapiOptions.Provider, string.Empty, "12", messageId, chat, status, word, null, time, new object());

    /// <summary>An app with a Maytapi sender (its gateway in memory, answering as the test says) and the ledger on a SQLite file.</summary>
    private sealed class MaytapiHost : HttpMessageHandler, IAsyncDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("whatsapp-ledger-maytapi-").FullName;
        private ServiceProvider _services = null!;
        private int _requests;

        public HttpStatusCode Answer { get; set; } = HttpStatusCode.BadGateway;

        public int Requests => _requests;

        public IWhatsAppSender Sender => _services.GetRequiredService<IWhatsAppSender>();

        public IWhatsAppLedger Ledger => _services.GetRequiredService<IWhatsAppLedger>();

        internal LedgerReconciler Reconciler => _services.GetRequiredService<LedgerReconciler>();

        public static async Task<MaytapiHost> StartAsync()
        {
            var host = new MaytapiHost();
            var services = new ServiceCollection();
            services.AddLogging();
            services.AddMaytapi(o =>
            {
                o.ApiUrl = new Uri("http://gateway.invalid/api/");
                o.ProductId = "11111111-2222-3333-4444-555555555555";
                o.PhoneId = "12";
                o.ApiKey = "maytapi-ledger-test-key";
            }).ConfigurePrimaryHttpMessageHandler(() => host);
            services.AddWhatsAppLedger(new SqliteConnectionStringBuilder { DataSource = Path.Combine(host._folder, "ledger.db"), Pooling = false }.ToString(), o => o.Reconcile = false);
            host._services = services.BuildServiceProvider();
            await host._services.MigrateWhatsAppLedgerAsync();
            return host;
        }

        public Task SendUnknownAsync(string key, string text)
        {
            Assert.ThrowsAsync<WhatsAppOutcomeUnknownException>(() => Sender.SendTextAsync(Chat, text, null, new SendOptions { IdempotencyKey = key }));
            return Task.CompletedTask;
        }

        public async Task ReceiveAsync(WhatsAppUpdate update)
        {
            using var scope = _services.CreateScope();
            foreach (var handler in scope.ServiceProvider.GetServices<IWhatsAppUpdateHandler>())
            {
                await handler.HandleAsync(update, CancellationToken.None);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            Dispose();
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var n = Interlocked.Increment(ref _requests);
            var body = Answer == HttpStatusCode.OK
                ? $$$"""{"success":true,"data":{"chatId":"905301111111@c.us","msgId":"ok-{{{n}}}"}}"""
                : "Bad Gateway";
            return Task.FromResult(new HttpResponseMessage(Answer) { Content = new StringContent(body, System.Text.Encoding.UTF8, Answer == HttpStatusCode.OK ? "application/json" : "text/plain"), RequestMessage = request });
        }
    }
}
