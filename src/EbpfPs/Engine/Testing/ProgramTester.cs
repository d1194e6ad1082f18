using System;
using EbpfPs.Engine.Packets;
using EbpfPs.Native;

namespace EbpfPs.Engine.Testing;

/// <summary>Runs XDP and TC programs on a given packet with BPF_PROG_TEST_RUN: nothing is sent anywhere.</summary>
public static class ProgramTester
{
    private static readonly string[] XdpVerdicts = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT" };
    private static readonly string[] TcVerdicts = { "TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE", "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP" };

    /// <summary>
    /// Runs the program repeat times on the packet. An ingress interface (resolved in netns) makes the
    /// kernel run it as if the packet arrived there, which programs that consult the FIB need.
    /// </summary>
    public static ProgramTestResult Run(AttachableProgram program, byte[] packet, int repeat, string? ingressInterface, string? netns)
    {
        if (repeat < 1)
            throw new BpfException("InvalidRepeat", BpfErrorKind.InvalidArgument, $"-Repeat must be 1 or more, not {repeat}.", repeat);
        if (packet.Length < PacketBuilder.EthernetHeader)
            throw new BpfException("PacketTooShort", BpfErrorKind.InvalidArgument,
                $"A packet of {packet.Length} bytes is shorter than an Ethernet header ({PacketBuilder.EthernetHeader} bytes).", packet.Length);
        bool xdp = program.Info.TypeId == AttachableProgram.TypeXdp;
        bool tc = program.Info.TypeId is AttachableProgram.TypeSchedCls or AttachableProgram.TypeSchedAct;
        if (!xdp && !tc)
            throw new BpfException("TestRunNotSupported", BpfErrorKind.NotImplemented,
                $"Program '{program.Info.Name}' is of type {program.Info.Type}; Invoke-BpfProgramTest runs XDP and TC programs.", program.Info.Name);

        return NetNamespace.Run(netns, () =>
        {
            int ifindex = ingressInterface is null ? 0 : NetInterfaces.IndexOf(ingressInterface, netns);
            byte[] output = new byte[packet.Length + 512];
            var opts = new Libbpf.TestRunOpts { Repeat = repeat, DataSizeIn = (uint)packet.Length, DataSizeOut = (uint)output.Length };
            int rc;
            unsafe
            {
                fixed (byte* input = packet, outp = output)
                {
                    opts.DataIn = input;
                    opts.DataOut = outp;
                    var xdpCtx = new Libbpf.XdpMd { DataEnd = (uint)packet.Length, IngressIfindex = (uint)ifindex };
                    if (xdp && ifindex != 0)
                    {
                        opts.CtxIn = &xdpCtx;
                        opts.CtxSizeIn = (uint)sizeof(Libbpf.XdpMd);
                    }
                    rc = Libbpf.ProgTestRun(program.Fd.Fd, ref opts);
                }
            }
            if (rc < 0)
                throw BpfException.FromErrno(-rc, "test-run program", program.Info.Name, "ProgramTestRunFailed");
            int retval = (int)opts.Retval;
            string verdict = xdp
                ? (retval >= 0 && retval < XdpVerdicts.Length ? XdpVerdicts[retval] : $"XDP_{retval}")
                : retval == -1 ? "TC_ACT_UNSPEC" : retval >= 0 && retval < TcVerdicts.Length ? TcVerdicts[retval] : $"TC_ACT_{retval}";
            byte[] result = output.AsSpan(0, (int)Math.Min(opts.DataSizeOut, (uint)output.Length)).ToArray();
            return new ProgramTestResult
            {
                Program = program.Info.Name,
                ProgramId = program.Info.Id,
                ProgramType = program.Info.Type,
                Verdict = verdict,
                ReturnValue = retval,
                Repeat = repeat,
                NsPerRun = opts.Duration,
                InputPacket = BpfTestPacket.Parse(packet),
                OutputPacket = result.Length == 0 ? null : BpfTestPacket.Parse(result),
            };
        });
    }
}
