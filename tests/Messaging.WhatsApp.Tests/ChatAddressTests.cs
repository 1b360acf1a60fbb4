using System;
using NUnit.Framework;

namespace Messaging.WhatsApp.Tests;

public sealed class ChatAddressTests
{
    [TestCase("+90 530 111 11 11", ChatAddressKind.Person, "905301111111@c.us")]
    [TestCase("905301111111", ChatAddressKind.Person, "905301111111@c.us")]
    [TestCase("+90 (530) 111-11.11", ChatAddressKind.Person, "905301111111@c.us")]
    [TestCase("0090 530 111 11 11", ChatAddressKind.Person, "905301111111@c.us")]
    [TestCase("  905301111111@c.us ", ChatAddressKind.Person, "905301111111@c.us")]
    [TestCase("905301111111@C.US", ChatAddressKind.Person, "905301111111@c.us")]
    [TestCase("905301234567-1574073754@g.us", ChatAddressKind.Group, "905301234567-1574073754@g.us")]
    [TestCase("120363238104@g.us", ChatAddressKind.Group, "120363238104@g.us")]
    [TestCase("123456789012345@lid", ChatAddressKind.LinkedId, "123456789012345@lid")]
    [TestCase("120363025246125888@newsletter", ChatAddressKind.Channel, "120363025246125888@newsletter")]
    public void Parse_AcceptedForm_GivesCanonicalId(string input, ChatAddressKind kind, string id)
    {
        var address = ChatAddress.Parse(input);

        Assert.Multiple(() =>
        {
            Assert.That(address.Kind, Is.EqualTo(kind));
            Assert.That(address.Id, Is.EqualTo(id));
            Assert.That(address.ToString(), Is.EqualTo(id));
        });
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("hello")]
    [TestCase("12345")]
    [TestCase("0530 111 11 11")]
    [TestCase("+0530 111 11 11")]
    [TestCase("00")]
    [TestCase("+90 530 111 11 11 22 33 44")]
    [TestCase("90530+1111111")]
    [TestCase("905301111111@s.whatsapp.net")]
    [TestCase("abc@c.us")]
    [TestCase("12-@g.us")]
    [TestCase("@lid")]
    [TestCase("905301111111@c.us@c.us")]
    public void Parse_OtherInput_ThrowsNamingInputAndAcceptedForms(string input)
    {
        var error = Assert.Throws<FormatException>(() => ChatAddress.Parse(input))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Message, Does.Contain($"'{input}'"));
            Assert.That(error.Message, Does.Contain(ChatAddress.AcceptedForms));
            Assert.That(ChatAddress.TryParse(input, out var address), Is.False);
            Assert.That(address, Is.EqualTo(default(ChatAddress)));
        });
    }

    [Test]
    public void Properties_DefaultAddress_HaveNoKindAndAnEmptyId()
    {
        var address = default(ChatAddress);

        Assert.Multiple(() =>
        {
            Assert.That(address.Kind, Is.EqualTo(ChatAddressKind.None));
            Assert.That(address.Id, Is.Empty);
            Assert.That(address.User, Is.Empty);
        });
    }

    [Test]
    public void Equals_TwoFormsOfOneChat_IsByCanonicalId()
    {
        Assert.That(ChatAddress.Parse("+90 530 111 11 11"), Is.EqualTo(ChatAddress.Parse("905301111111@c.us")));
    }

    [TestCase("+90 530 111 11 11", "905301111111")]
    [TestCase("120363238104@g.us", "120363238104@g.us")]
    [TestCase("905301234567-1574073754@g.us", "905301234567-1574073754@g.us")]
    [TestCase("123456789012345@lid", "123456789012345@lid")]
    public void MaytapiToNumber_AnyChat_IsDigitsForAPersonAndTheIdOtherwise(string input, string expected)
    {
        Assert.That(Maytapi.MaytapiRequestValidator.ToNumber(ChatAddress.Parse(input)), Is.EqualTo(expected));
    }
}
