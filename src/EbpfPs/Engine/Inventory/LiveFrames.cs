using System;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// Whether the kernel runs live frames for this process, asked once: a kernel that refuses them (EPERM even to root
/// under some lockdown or hardening policies) does so for the life of the boot.
/// </summary>
public static class LiveFrames
{
    private static readonly Lazy<Result> Answer = new(Libbpf.ProbeLiveFrames);

    /// <summary>True when BPF_F_TEST_XDP_LIVE_FRAMES runs here.</summary>
    public static bool Supported => Answer.Value.Ok;

    internal static Result Probe() => Answer.Value;
}
