using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop;
using EbpfPs.Interop.Netlink;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Tests.Fakes;

/// <summary>
/// XDP as the kernel's dev_xdp_attach decides it: one program per mode; native and generic never together
/// (EEXIST); XDP_FLAGS_UPDATE_IF_NOEXIST refuses an occupied mode (EBUSY); XDP_FLAGS_REPLACE only swaps out
/// the expected program (EEXIST otherwise); no mode flag means native where the driver has it, else generic.
/// </summary>
internal sealed partial class FakeBpfSystem
{
    private const XdpFlags ModeFlags = XdpFlags.SkbMode | XdpFlags.DrvMode | XdpFlags.HwMode;

    public Result<Libbpf.XdpState> XdpQuery(int ifindex)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(XdpQuery), $"XdpQuery {Where(ifindex)}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            return StateOf(i);
        }
    }

    /// <summary>One link dump: each interface of the calling thread's namespace, as XdpQuery answers for it.</summary>
    public Result<List<LinkXdp>> XdpStates()
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(XdpStates), $"XdpStates {Label(_current.Value!)}");
            if (failed != Errno.None) return failed;
            return CurrentNamespace.Interfaces.Values.OrderBy(i => i.Index)
                .Select(i => new LinkXdp(i.Index, i.Name, StateOf(i))).ToList();
        }
    }

    private static Libbpf.XdpState StateOf(FakeInterface i)
    {
        int modes = (i.XdpDrv != 0 ? 1 : 0) + (i.XdpSkb != 0 ? 1 : 0) + (i.XdpHw != 0 ? 1 : 0);
        XdpAttachMode mode = modes switch
        {
            0 => XdpAttachMode.None,
            > 1 => XdpAttachMode.Multi,
            _ => i.XdpDrv != 0 ? XdpAttachMode.Drv : i.XdpSkb != 0 ? XdpAttachMode.Skb : XdpAttachMode.Hw,
        };
        // IFLA_XDP_PROG_ID is only reported for a single mode, as in rtnl_xdp_fill.
        uint single = modes == 1 ? i.XdpDrv | i.XdpSkb | i.XdpHw : 0;
        return new Libbpf.XdpState(mode, single, i.XdpDrv, i.XdpSkb, i.XdpHw);
    }

    public Result XdpAttach(int ifindex, SafeFdHandle program, XdpFlags flags, SafeFdHandle? expected)
    {
        lock (_gate)
        {
            string old = expected is null ? "" : $" expected {ProgramOf(expected).Replace("prog ", "")}";
            Errno failed = Enter(nameof(XdpAttach), $"XdpAttach {Where(ifindex)} {ProgramOf(program)} {flags}{old}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            if (!TryResolve(program, Libbpf.ObjectKind.Program, out uint id)) return Answer(Errno.EBADF);
            if (_programs[id].Type != BpfProgType.Xdp) return Answer(Errno.EINVAL);
            if (!ModeOf(i, flags, out XdpAttachMode mode)) return Answer(Errno.EINVAL);
            if (mode == XdpAttachMode.Drv && !i.NativeXdp) return Answer(Errno.EOPNOTSUPP);
            if (mode == XdpAttachMode.Hw) return Answer(Errno.EOPNOTSUPP);
            uint current = Get(i, mode);
            uint other = mode == XdpAttachMode.Drv ? i.XdpSkb : mode == XdpAttachMode.Skb ? i.XdpDrv : 0;
            if (other != 0) return Answer(Errno.EEXIST);
            if ((flags & XdpFlags.Replace) != 0)
            {
                if (!TryResolve(expected, Libbpf.ObjectKind.Program, out uint expectedId)) return Answer(Errno.EINVAL);
                if (expectedId != current) return Answer(Errno.EEXIST);
            }
            else if ((flags & XdpFlags.UpdateIfNoexist) != 0 && current != 0)
                return Answer(Errno.EBUSY);
            Set(i, mode, id);
            return Result.Success;
        }
    }

    public Result XdpDetach(int ifindex, XdpFlags flags, SafeFdHandle? expected = null)
    {
        lock (_gate)
        {
            string old = expected is null ? "" : $" expected {ProgramOf(expected).Replace("prog ", "")}";
            Errno failed = Enter(nameof(XdpDetach), $"XdpDetach {Where(ifindex)} {flags}{old}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            if (!ModeOf(i, flags, out XdpAttachMode mode)) return Answer(Errno.EINVAL);
            if ((flags & XdpFlags.Replace) != 0)
            {
                if (!TryResolve(expected, Libbpf.ObjectKind.Program, out uint expectedId)) return Answer(Errno.EINVAL);
                if (expectedId != Get(i, mode)) return Answer(Errno.EEXIST);
            }
            Set(i, mode, 0); // detaching an empty mode is not an error, as with `ip link set dev X xdp off`
            return Result.Success;
        }
    }

    private static bool ModeOf(FakeInterface i, XdpFlags flags, out XdpAttachMode mode)
    {
        mode = (flags & ModeFlags) switch
        {
            XdpFlags.None => i.NativeXdp ? XdpAttachMode.Drv : XdpAttachMode.Skb,
            XdpFlags.DrvMode => XdpAttachMode.Drv,
            XdpFlags.SkbMode => XdpAttachMode.Skb,
            XdpFlags.HwMode => XdpAttachMode.Hw,
            _ => XdpAttachMode.None, // more than one mode flag: the kernel refuses with EINVAL
        };
        return mode != XdpAttachMode.None;
    }

    private static uint Get(FakeInterface i, XdpAttachMode mode) =>
        mode == XdpAttachMode.Drv ? i.XdpDrv : mode == XdpAttachMode.Skb ? i.XdpSkb : i.XdpHw;

    private static void Set(FakeInterface i, XdpAttachMode mode, uint id)
    {
        if (mode == XdpAttachMode.Drv) i.XdpDrv = id;
        else if (mode == XdpAttachMode.Skb) i.XdpSkb = id;
        else i.XdpHw = id;
    }
}
