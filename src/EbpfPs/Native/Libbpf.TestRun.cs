using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>BPF_PROG_TEST_RUN (BPF_PROG_RUN): run a program on a given packet, or send live frames.</summary>
internal static unsafe partial class Libbpf
{
    internal const uint TestXdpLiveFrames = 2;

    /// <summary>struct bpf_test_run_opts (libbpf 1.1).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TestRunOpts
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

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_test_run_opts(int progFd, TestRunOpts* opts);

    /// <summary>Returns 0 or -errno; the opts carry retval, duration and output sizes back.</summary>
    internal static int ProgTestRun(int progFd, ref TestRunOpts opts)
    {
        opts.Size = (nuint)sizeof(TestRunOpts);
        fixed (TestRunOpts* p = &opts)
            return bpf_prog_test_run_opts(progFd, p);
    }
}
