using System;

namespace Messaging.WhatsApp;

/// <summary>
/// An argument breaks a rule of the provider or of WhatsApp, found before anything was sent. The message
/// names the field and the rule; <see cref="ArgumentException.ParamName"/> is the field.
/// </summary>
public sealed class WhatsAppArgumentException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The field or argument, as the caller knows it (e.g. <c>text</c>, <c>typingTime</c>).</param>
    /// <param name="rule">The rule it breaks, as a sentence fragment (e.g. <c>must not be empty</c>).</param>
    public WhatsAppArgumentException(string field, string rule)
        : base($"{field} {rule}.", field)
    {
        Rule = rule;
    }

    /// <summary>The rule the field breaks.</summary>
    public string Rule { get; }

    /// <summary>The message: the field and the rule, without the "(Parameter ...)" suffix.</summary>
    public override string Message => $"{ParamName} {Rule}.";
}
