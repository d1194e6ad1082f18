using System;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.Packets;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.ProgramTests;

/// <summary>Runs XDP and TC programs on a given packet with BPF_PROG_TEST_RUN: nothing is sent anywhere.</summary>
public static class ProgramTester
{
    private static readonly string[] XdpVerdicts = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT" };
    private static readonly string[] TcVerdicts = { "TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
        "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP" };

    /// <summary>An XDP verdict as the hook-neutral action.</summary>
    internal static BpfAction XdpAction(int code) => (XdpVerdict)code switch
    {
        XdpVerdict.Aborted => BpfAction.Aborted,
        XdpVerdict.Drop => BpfAction.Drop,
        XdpVerdict.Pass => BpfAction.Pass,
        XdpVerdict.Tx => BpfAction.Tx,
        XdpVerdict.Redirect => BpfAction.Redirect,
        _ => BpfAction.Unknown,
    };

    /// <summary>
    /// A TC verdict as the clsact hook acts on it (sch_handle_ingress/egress): SHOT drops, REDIRECT redirects,
    /// STOLEN, QUEUED and TRAP consume the packet, and the rest (UNSPEC, OK, RECLASSIFY, PIPE, REPEAT) let it go on.
    /// </summary>
    internal static BpfAction TcAction(int code) => (TcVerdict)code switch
    {
        TcVerdict.Shot => BpfAction.Drop,
        TcVerdict.Redirect => BpfAction.Redirect,
        TcVerdict.Stolen or TcVerdict.Queued or TcVerdict.Trap => BpfAction.Stolen,
        TcVerdict.Unspec or TcVerdict.Ok or TcVerdict.Reclassify or TcVerdict.Pipe or TcVerdict.Repeat
            => BpfAction.Pass,
        _ => BpfAction.Unknown,
    };

    /// <summary>
    /// Runs the program repeat times on the packet. An ingress interface (resolved in netns) makes the
    /// kernel run it as if the packet arrived there, which programs that consult the FIB need: an XDP program
    /// gets it in xdp_md (ingress_ifindex, and rxQueueIndex as rx_queue_index), a TC program in __sk_buff (ifindex
    /// and ingress_ifindex), as `bpftool prog run ... ctx_in` passes them.
    /// </summary>
    public static ProgramTestResult Run(AttachableProgram program, byte[] packet, int repeat,
        string? ingressInterface, string? netns, uint? rxQueueIndex = null)
    {
        if (repeat < 1)
            throw new BpfException(ErrorId.InvalidRepeat, $"-Repeat must be 1 or more, not {repeat}.", repeat);
        if (packet.Length < PacketBuilder.EthernetHeader)
            throw new BpfException(ErrorId.PacketTooShort,
                $"A packet of {packet.Length} bytes is shorter than an Ethernet header " +
                $"({PacketBuilder.EthernetHeader} bytes).", packet.Length);
        bool xdp = program.Fits(BpfHookKind.Xdp);
        bool tc = program.Fits(BpfHookKind.Tc);
        if (!xdp && !tc)
            throw new BpfException(ErrorId.TestRunNotSupported,
                $"Program '{program.Info.Name}' is of type {program.Info.Type}; Invoke-BpfProgramTest runs XDP and " +
                "TC programs.", program.Info.Name);
        if (rxQueueIndex is uint queue && (!xdp || ingressInterface is null))
            throw new BpfException(ErrorId.InvalidRxQueueIndex, xdp
                    ? $"-RxQueueIndex {queue} names a receive queue of the ingress interface; give -IngressInterface."
                    : $"-RxQueueIndex is for XDP programs; '{program.Info.Name}' is {program.Info.Type}, whose test " +
                      "runs take no receive queue.", queue);

        return NetNamespace.Run(netns, () =>
        {
            int ifindex = ingressInterface is null ? 0 : NetInterfaces.IndexOf(ingressInterface, netns);
            byte[] output = new byte[packet.Length + 512];
            byte[] context = ifindex == 0 ? Array.Empty<byte>()
                : xdp ? Libbpf.XdpContext(packet.Length, ifindex, rxQueueIndex ?? 0) : Libbpf.SkbContext(ifindex);
            Result<Libbpf.TestRunOutput> ran = Libbpf.TestRun(program.Fd, packet, output, context, Span<byte>.Empty,
                repeat);
            if (!ran.Ok && ran.Errno == Errno.EINVAL && rxQueueIndex is > 0)
                throw new BpfException(ErrorId.InvalidRxQueueIndex,
                    $"The kernel refused receive queue {rxQueueIndex} of '{ingressInterface}' (errno " +
                    $"{(int)Errno.EINVAL}): the interface has no such queue (`ip -d link` shows numrxqueues).",
                    rxQueueIndex, (int)Errno.EINVAL);
            Libbpf.TestRunOutput run = ran.OrThrow("test-run program", program.Info.Name,
                ErrorId.ProgramTestRunFailed);
            int retval = (int)run.ReturnValue;
            string verdict = xdp
                ? (retval >= 0 && retval < XdpVerdicts.Length ? XdpVerdicts[retval] : $"XDP_{retval}")
                : retval == -1 ? "TC_ACT_UNSPEC" : retval >= 0 && retval < TcVerdicts.Length ? TcVerdicts[retval]
                    : $"TC_ACT_{retval}";
            byte[] result = output.AsSpan(0, Math.Min(run.DataSizeOut, output.Length)).ToArray();
            return new ProgramTestResult
            {
                Program = program.Info.Name,
                ProgramId = program.Info.Id,
                ProgramType = program.Info.Type,
                Verdict = verdict,
                Action = xdp ? XdpAction(retval) : TcAction(retval),
                ReturnValue = retval,
                Repeat = repeat,
                NsPerRun = run.Duration,
                InputPacket = BpfTestPacket.Parse(packet),
                OutputPacket = result.Length == 0 ? null : BpfTestPacket.Parse(result),
            };
        });
    }
}
