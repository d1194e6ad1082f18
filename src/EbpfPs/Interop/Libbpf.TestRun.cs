using System;
using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>BPF_PROG_TEST_RUN (BPF_PROG_RUN): run a program on a given packet, or send live frames.</summary>
internal static unsafe partial class Libbpf
{
    /// <summary>struct bpf_test_run_opts (libbpf 1.1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct TestRunOpts
    {
        public nuint Size;
        public void* DataIn;
        public void* DataOut;
        public uint DataSizeIn, DataSizeOut;
        public void* CtxIn;
        public void* CtxOut;
        public uint CtxSizeIn, CtxSizeOut;
        public uint Retval;
        public int Repeat;
        public uint Duration, Flags, Cpu, BatchSize;
    }

    /// <summary>struct xdp_md as a test-run context: data offsets and the ingress interface.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct XdpMd
    {
        public uint Data, DataEnd, DataMeta, IngressIfindex, RxQueueIndex, EgressIfindex;
    }

    /// <summary>
    /// struct __sk_buff (uapi linux/bpf.h, 192 bytes) as a TC test-run context. BPF_PROG_TEST_RUN takes mark,
    /// priority, ingress_ifindex, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and hwtstamp from it and refuses
    /// a context with any other byte set, so only those fields are here; the rest stays zero.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 192)]
    internal struct SkBuff
    {
        [FieldOffset(8)] public uint Mark;
        [FieldOffset(32)] public uint Priority;
        [FieldOffset(36)] public uint IngressIfindex;
        [FieldOffset(40)] public uint Ifindex;
        [FieldOffset(48)] public fixed uint Cb[5];
        [FieldOffset(152)] public ulong Tstamp;
        [FieldOffset(160)] public uint WireLen;
        [FieldOffset(164)] public uint GsoSegs;
        [FieldOffset(176)] public uint GsoSize;
        [FieldOffset(184)] public ulong Hwtstamp;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_test_run_opts(int progFd, TestRunOpts* opts);

    /// <summary>What one test run returned.</summary>
    internal readonly record struct TestRunOutput(uint ReturnValue, uint Duration, int DataSizeOut, int ContextSizeOut);

    /// <summary>
    /// Runs the program repeat times over data (and an optional context such as an xdp_md or __sk_buff),
    /// copying the resulting packet into dataOut. With XdpLiveFrames the frames are sent, not returned.
    /// </summary>
    internal static Result<TestRunOutput> TestRun(SafeFdHandle program, ReadOnlySpan<byte> data, Span<byte> dataOut,
        ReadOnlySpan<byte> context, Span<byte> contextOut, int repeat, TestRunFlags flags = TestRunFlags.None,
            uint batchSize = 0)
    {
        fixed (byte* din = data, dout = dataOut, cin = context, cout = contextOut)
        {
            var opts = new TestRunOpts
            {
                Size = (nuint)sizeof(TestRunOpts),
                DataIn = din, DataSizeIn = (uint)data.Length,
                DataOut = dataOut.IsEmpty ? null : dout, DataSizeOut = (uint)dataOut.Length,
                CtxIn = context.IsEmpty ? null : cin, CtxSizeIn = (uint)context.Length,
                CtxOut = contextOut.IsEmpty ? null : cout, CtxSizeOut = (uint)contextOut.Length,
                Repeat = repeat, Flags = (uint)flags, BatchSize = batchSize,
            };
            int rc = bpf_prog_test_run_opts(program.Fd, &opts);
            return rc < 0 ? (Errno)(-rc) : new TestRunOutput(opts.Retval, opts.Duration, (int)opts.DataSizeOut,
                (int)opts.CtxSizeOut);
        }
    }

    /// <summary>
    /// An __sk_buff context for a packet that arrived on ifindex, as bytes for TestRun: the kernel then builds the
    /// skb on that device (ifindex) and the program sees it as the ingress interface (ingress_ifindex), as a
    /// packet at the interface's TC ingress hook would.
    /// </summary>
    internal static byte[] SkbContext(int ifindex)
    {
        var skb = new SkBuff { IngressIfindex = (uint)ifindex, Ifindex = (uint)ifindex };
        return MemoryMarshal.AsBytes(new ReadOnlySpan<SkBuff>(&skb, 1)).ToArray();
    }

    /// <summary>An xdp_md context for a frame of the given length arriving on ifindex, as bytes for TestRun.</summary>
    internal static byte[] XdpContext(int frameLength, int ingressIfindex, uint rxQueue = 0)
    {
        var md = new XdpMd { DataEnd = (uint)frameLength, IngressIfindex = (uint)ingressIfindex,
            RxQueueIndex = rxQueue };
        return MemoryMarshal.AsBytes(new ReadOnlySpan<XdpMd>(&md, 1)).ToArray();
    }

}
