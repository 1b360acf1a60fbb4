using System;
using System.Linq;

namespace Messaging.WhatsApp.Redis.Tests;

/// <summary>
/// What a store may answer the limiter's permit script, by class: the two valid answers ({1, 0} granted, {0, µs}
/// refused with a wait in [1 ms, window]) and every way of answering outside that, for the focused tests and the
/// fuzzer. RESP is written with spaces for line ends: <c>"*2 :1 :0"</c> is <c>*2\r\n:1\r\n:0\r\n</c>.
/// </summary>
internal static class StoreAnswers
{
    public static ScriptReply Grant() => new("grant", FakeRespServer.Pair(1, 0), IsPermit: true);

    public static ScriptReply Wait(long microseconds) => new($"wait {microseconds} µs", FakeRespServer.Pair(0, microseconds));

    /// <summary>The answer to leaving the line.</summary>
    public static ScriptReply Left() => new("left", FakeRespServer.Pair(0, 0));

    /// <summary>An answer written as RESP with spaces for line ends; bulk strings' lengths are counted here.</summary>
    public static ScriptReply Odd(string name, string resp) => new(name, FakeRespServer.Resp(Lines(resp)));

    public static ScriptReply Error(string line) => new("error " + line.Split(' ')[0], FakeRespServer.Resp(line + "\r\n"));

    public static ScriptReply Pair(string name, long first, long second) => new($"{name} {{{first}, {second}}}", FakeRespServer.Pair(first, second));

    public static readonly string[] WrongLength = ["*0", "*1 :1", "*1 :0", "*3 :1 :0 :0", "*3 :0 :1000 :1", "*4 :1 :0 :1 :0"];

    public static readonly string[] ExtraElement = ["*3 :1 :0 :0", "*3 :1 :0 :1", "*3 :1 :0 $1 1", "*3 :1 :0 *0", "*3 :1 :0 $-1", "*3 :1 :0 +OK", "*3 :0 :5000 :0"];

    public static readonly string[] StringsForIntegers = ["*2 $1 1 $1 0", "*2 $1 1 :0", "*2 :1 $1 0", "*2 +1 +0", "*2 +1 :0", "*2 $2 01 :0", "*2 $1 0 $4 5000", "*2 :0 +5000"];

    public static readonly string[] Nested = ["*2 *1 :1 :0", "*1 *2 :1 :0", "*2 :1 *1 :0", "*2 *2 :1 :0 *0", "*2 *1 :0 *1 :5000", "*1 *1 *2 :1 :0"];

    public static readonly string[] Nulls = ["$-1", "*-1", "*2 $-1 :0", "*2 :1 $-1", "*2 *-1 :0", "*2 :1 *-1", "_"];

    public static readonly string[] Scalars = [":1", ":0", "+OK", "$1 1", "+1", "$0 ", "#t", ",1", "(1"];

    /// <summary>RESP3 types, which StackExchange.Redis reads even on a RESP2 connection.</summary>
    public static readonly string[] Resp3 = ["~2 :1 :0", "%1 :1 :0", ">2 :1 :0", "*2 #t :0", "*2 #f :0", "*2 (1 :0", "*2 ,1 :0", "*2 :1 ,0", "*2 :1 _"];

    public static readonly string[] Errors =
    [
        "-ERR unknown command 'EVALSHA'", "-NOSCRIPT No matching script. Please use EVAL.", "-BUSY Redis is busy running a script.",
        "-READONLY You can't write against a read only replica.", "-OOM command not allowed when used memory > 'maxmemory'.",
        "-LOADING Redis is loading the dataset in memory", "-MASTERDOWN Link with MASTER is down", "-WRONGTYPE Operation against a key holding the wrong kind of value",
        "-CROSSSLOT Keys in request don't hash to the same slot", "-TRYAGAIN Multiple keys request during rehashing of slot", "-NOPERM this user has no permissions",
        "-ERR user_script:1: Script attempted to access nonexistent global variable", "-CLUSTERDOWN The cluster is down",
    ];

    /// <summary>Not RESP, or integers no long holds: StackExchange.Redis gives up on the connection.</summary>
    public static readonly string[] Garbage = ["?x", "hello", "*x", "*2 :x :0", ":99999999999999999999", "*2 :1 :99999999999999999999", "*2 :1.5 :0", "!!!"];

    /// <summary>A first element that is neither 0 nor 1.</summary>
    public static readonly long[] NotZeroOrOne = [2, -1, 3, 10, long.MaxValue, long.MinValue];

    /// <summary>Waits a grant cannot carry (it carries 0).</summary>
    public static readonly long[] GrantWaits = [1, 999, 1000, 5000, -1, long.MaxValue];

    /// <summary>Waits below the script's clamp of 1 ms.</summary>
    public static readonly long[] ShortWaits = [0, 1, 999, -1, -1_000_000, long.MinValue];

    /// <summary>Waits above the script's clamp of one window (1 s here), up to centuries.</summary>
    public static readonly long[] LongWaits = [1_000_001, 2_000_000, 60_000_000, 1_000_000_000_000, long.MaxValue];

    /// <summary>RESP with spaces for line ends, bulk strings' lengths as written: "$1 1" is "$1\r\n1\r\n".</summary>
    private static string Lines(string resp) => string.Concat(resp.Split(' ').Select(part => part + "\r\n"));
}
