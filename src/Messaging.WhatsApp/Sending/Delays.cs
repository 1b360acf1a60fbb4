using System;
using System.Threading;
using System.Threading.Tasks;

namespace Messaging.WhatsApp;

/// <summary>A delay on a <see cref="TimeProvider"/>, on every target framework.</summary>
internal static class Delays
{
    public static Task Delay(TimeProvider time, TimeSpan delay, CancellationToken cancellationToken) =>
#if NET8_0_OR_GREATER
        Task.Delay(delay, time, cancellationToken);
#else
        time.Delay(delay, cancellationToken);
#endif
}
