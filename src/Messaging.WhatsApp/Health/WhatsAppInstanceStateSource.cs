namespace Messaging.WhatsApp;

/// <summary>How a <see cref="WhatsAppInstanceStatus"/> was learned.</summary>
public enum WhatsAppInstanceStateSource
{
    /// <summary>Never learned: nothing has been asked or received yet.</summary>
    None = 0,

    /// <summary>The gateway's state operation answered it (the monitor's poll, or <c>GetInstanceStateAsync</c>).</summary>
    Query = 1,

    /// <summary>The gateway's state notification reported it (GREEN-API <c>stateInstanceChanged</c>, Maytapi <c>status</c>).</summary>
    Notification = 2,
}
