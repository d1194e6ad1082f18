using System;
using System.Diagnostics;
using System.Threading;

namespace EbpfPs.Engine.Host;

/// <summary>
/// Waiting for the kernel or a process to catch up, one way: look, sleep a short step, look again until the
/// condition holds or the time is up. The timings for the waits the module does more than once are named here.
/// </summary>
internal static class Poll
{
    /// <summary>How long to sleep between looks: short beside every wait below, long beside a syscall.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How long a program may take to go after its last attachment or pin went: the kernel frees it after an RCU
    /// grace period, usually within milliseconds, longer on a busy machine.
    /// </summary>
    public static readonly TimeSpan DetachSettle = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long the programs attached in a deleted network namespace may take to go: the kernel tears namespaces
    /// down on one work queue for the whole machine, after `ip netns del` returns, so behind other sessions'
    /// deletions it takes longer than a detach.
    /// </summary>
    public static readonly TimeSpan NamespaceTeardown = TimeSpan.FromSeconds(5);

    /// <summary>True as soon as done() holds; false when timeout passed first (done is asked at least once).</summary>
    public static bool Until(Func<bool> done, TimeSpan timeout, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (done())
                return true;
            if (clock.Elapsed >= timeout)
                return false;
            cancel.ThrowIfCancellationRequested();
            Thread.Sleep(Step);
        }
    }
}
