using System;
using Messaging.WhatsApp;
using Messaging.WhatsApp.Ledger;

namespace Microsoft.EntityFrameworkCore;

/// <summary>The outbox: messages saved with the app's data, in its transaction, and sent once it has committed.</summary>
public static class WhatsAppOutboxDbContextExtensions
{
    /// <summary>
    /// Adds a text message to the outbox of the ledger kept in <paramref name="context"/> (an app's context whose model
    /// has <c>AddWhatsAppLedger()</c>). It is saved by the context's next <c>SaveChanges</c>, in the same transaction as
    /// the app's own changes: nothing is sent for a transaction that rolls back. After the commit, the dispatcher of any
    /// replica (<see cref="WhatsAppLedgerOptions.DispatchOutbox"/>) sends it through the sender registered under
    /// <paramref name="registrationName"/>, as <c>SendTextAsync</c> with <paramref name="idempotencyKey"/> would, and records
    /// the outcome. Messages to one chat go out one after another, in the order they were added.
    /// </summary>
    /// <param name="context">The app's context.</param>
    /// <param name="provider">The gateway of the sender that will send it (<c>GreenApiOptions.Provider</c>, <c>MaytapiOptions.Provider</c>).</param>
    /// <param name="idempotencyKey">The message's key: a key already in the ledger fails the save (a unique index).</param>
    /// <param name="chat">The person or group to send to.</param>
    /// <param name="text">The text; the sender's rules are checked when it is sent (a message that breaks them is recorded refused).</param>
    /// <param name="replyTo">The id of a message in the same chat to quote, or null.</param>
    /// <param name="registrationName">The sender's registration name: "" for the default one.</param>
    /// <param name="time">The clock; the system's by default.</param>
    /// <exception cref="WhatsAppArgumentException">An argument breaks a rule the ledger can check now.</exception>
    public static void EnqueueWhatsAppText(
        this DbContext context,
        WhatsAppProvider provider,
        string idempotencyKey,
        ChatAddress chat,
        string text,
        string? replyTo = null,
        string registrationName = "",
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(registrationName);
        new SendOptions { IdempotencyKey = idempotencyKey ?? throw new WhatsAppArgumentException(nameof(idempotencyKey), "must be set: the outbox sends each message under its key") }.Validate();
        if (chat.Kind == ChatAddressKind.None)
        {
            throw new WhatsAppArgumentException(nameof(chat), "must be set (it is the default ChatAddress)");
        }

        if (string.IsNullOrEmpty(text))
        {
            throw new WhatsAppArgumentException(nameof(text), "must not be empty");
        }

        // The ledger's columns: longer values would fail the app's whole SaveChanges without naming the field.
        if (registrationName.Length > 100)
        {
            throw new WhatsAppArgumentException(nameof(registrationName), "must be at most 100 characters");
        }

        if (replyTo is { Length: > LedgerStatuses.MaxIdLength })
        {
            throw new WhatsAppArgumentException(nameof(replyTo), $"must be at most {LedgerStatuses.MaxIdLength} characters");
        }

        var now = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
        context.Add(new LedgerMessage
        {
            Provider = provider.Name,
            RegistrationName = registrationName,
            Instance = string.Empty,
            IdempotencyKey = idempotencyKey,
            ChatId = chat.Id,
            // What the key stands for until the dispatcher sends it in the provider's words.
            ContentHash = LedgerDatabase.Hash("outbox\n" + chat.Id + "\n" + text + "\n" + replyTo),
            Text = text,
            ReplyTo = replyTo,
            CreatedAt = now,
            AttemptedAt = now,
            Outcome = LedgerOutcome.Queued,
            NextAttemptAt = now,
        });
    }
}
