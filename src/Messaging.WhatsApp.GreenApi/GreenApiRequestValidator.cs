using System;

namespace Messaging.WhatsApp.GreenApi;

/// <summary>
/// GREEN-API's rules for sendMessage (specs/green-api.yaml), checked before anything is sent.
/// </summary>
/// <remarks>
/// Text length is counted in UTF-16 code units, as <see cref="string.Length"/> counts: an emoji outside the
/// Basic Multilingual Plane (😀) counts 2, a flag 4. GREEN-API's validation messages are those of a
/// JavaScript validator, and JavaScript's <c>length</c> counts the same units, so a text this check accepts
/// is one the server accepts. It is also never more than the spec's limit, which JSON Schema counts in
/// code points (always fewer or equal).
/// </remarks>
internal static class GreenApiRequestValidator
{
    public const int MaxMessageLength = 20_000;
    public const int MinQuotedMessageIdLength = 16;
    public const int MinTypingTimeMs = 1_000;
    public const int MaxTypingTimeMs = 20_000;
    public const int MaxPreviewFieldLength = 300;

    public static void Validate(GreenApiSendMessageRequest? request)
    {
        if (request is null)
        {
            throw new WhatsAppArgumentException("request", "must not be null");
        }

        ValidateChatId(request.ChatId);
        ValidateMessage(request.Message);
        ValidateQuotedMessageId(request.QuotedMessageId);

        if (request.TypingTime is { } typingTime && typingTime is < MinTypingTimeMs or > MaxTypingTimeMs)
        {
            throw new WhatsAppArgumentException("typingTime", $"must be between {MinTypingTimeMs} and {MaxTypingTimeMs} milliseconds (was {typingTime})");
        }

        if (request.TypePreview is { } typePreview && !Enum.IsDefined(typeof(LinkPreviewSize), typePreview))
        {
            throw new WhatsAppArgumentException("typePreview", "must be large or small");
        }

        if (request.CustomPreview is { } preview)
        {
            ValidatePreview(preview);
        }
    }

    /// <summary>The rules of a text send: the chat, the text and the quoted message, named as the caller knows them.</summary>
    public static void ValidateText(ChatAddress chat, string text, string? replyTo)
    {
        ValidateChat(chat);
        ValidateMessage(text, nameof(text));
        ValidateQuotedMessageId(replyTo, nameof(replyTo));
    }

    public static void ValidateMessage(string? message, string field = "message")
    {
        if (message is null || message.Length == 0)
        {
            throw new WhatsAppArgumentException(field, "must not be empty (GREEN-API refuses an empty message)");
        }

        if (message.Length > MaxMessageLength)
        {
            throw new WhatsAppArgumentException(field, $"must be at most {MaxMessageLength} characters, counted in UTF-16 code units (an emoji such as 😀 counts 2); it has {message.Length}");
        }
    }

    public static void ValidateQuotedMessageId(string? quotedMessageId, string field = "quotedMessageId")
    {
        if (quotedMessageId is not null && quotedMessageId.Length < MinQuotedMessageIdLength)
        {
            throw new WhatsAppArgumentException(field, $"must be at least {MinQuotedMessageIdLength} characters, the shortest id GREEN-API accepts (was {quotedMessageId.Length})");
        }
    }

    /// <summary>The chat rules; <paramref name="field"/> names what the caller set (a parameter, or the request's <c>chatId</c>).</summary>
    public static void ValidateChat(ChatAddress chat, string field = "chat")
    {
        switch (chat.Kind)
        {
            case ChatAddressKind.None:
                throw new WhatsAppArgumentException(field, "must be set (it is the default ChatAddress)");
            case ChatAddressKind.Channel:
                throw new WhatsAppArgumentException(field, $"must be a person, a group or a linked id: GREEN-API refuses channels (was {chat.Id})");
        }
    }

    private static void ValidateChatId(string? chatId)
    {
        if (!ChatAddress.TryParse(chatId, out var chat) || chat.Id != chatId)
        {
            throw new WhatsAppArgumentException("chatId", $"must be a chat id such as 905301111111@c.us, 120363238104@g.us, 905301111111-1574073754@g.us or 123456789012345@lid (was '{chatId}'); ChatAddress.Parse(...).Id renders one from a phone number");
        }

        ValidateChat(chat, "chatId");
    }

    private static void ValidatePreview(CustomPreview preview)
    {
        if (string.IsNullOrEmpty(preview.Title))
        {
            throw new WhatsAppArgumentException("customPreview.title", "must not be empty: a custom preview needs a title");
        }

        CheckPreviewLength("customPreview.title", preview.Title);
        CheckPreviewLength("customPreview.description", preview.Description);
        CheckPreviewLength("customPreview.link", preview.Link);
        if (preview.UrlFile is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)))
        {
            throw new WhatsAppArgumentException("customPreview.urlFile", "must be an absolute http(s) URL of the preview image");
        }
    }

    private static void CheckPreviewLength(string field, string? value)
    {
        if (value is { Length: > MaxPreviewFieldLength })
        {
            throw new WhatsAppArgumentException(field, $"must be at most {MaxPreviewFieldLength} characters (has {value.Length})");
        }
    }
}
