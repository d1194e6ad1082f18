using System;
using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>
/// Whether this kernel sends live frames (BPF_F_TEST_XDP_LIVE_FRAMES) for this process: some kernels refuse them
/// with EPERM even to root (lockdown or a local policy). A two-instruction XDP program that returns XDP_DROP is run
/// once in live mode: a frame it drops never leaves the host.
/// </summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int bpf_prog_load(int progType, string? name, string license, ulong* insns, nuint count,
        nint opts);

    // r0 = XDP_DROP (BPF_ALU64 | BPF_MOV | BPF_K, dst r0, imm 1); exit (BPF_JMP | BPF_EXIT).
    private static readonly ulong[] DropProgram = { 0x0000_0001_0000_00b7UL, 0x0000_0000_0000_0095UL };

    /// <summary>Ok when live frames run; the errno the kernel answered otherwise.</summary>
    internal static Result ProbeLiveFrames()
    {
        int fd;
        fixed (ulong* insns = DropProgram)
            fd = bpf_prog_load((int)BpfProgType.Xdp, "ebpfps_probe", "GPL", insns, (nuint)DropProgram.Length, 0);
        if (fd < 0)
            return (Errno)(-fd);
        using var program = new SafeFdHandle(fd);
        Span<byte> frame = stackalloc byte[64];
        frame[..12].Fill(0xff);
        frame[12] = 0x08;
        Result<TestRunOutput> run = TestRun(program, frame, Span<byte>.Empty, ReadOnlySpan<byte>.Empty,
            Span<byte>.Empty, 1, TestRunFlags.XdpLiveFrames);
        return run.Ok ? Result.Success : run.Errno;
    }
}
