using EbpfPs.Engine.Errors;

namespace EbpfPs;

/// <summary>
/// Where a program hooks in: XDP in a mode, or TC in a direction as a clsact filter {priority, handle} or a tcx
/// link. One value that every consumer (the attach cmdlets, measuring, desired state) hands to Engine/Attach.
/// </summary>
public abstract record HookPoint
{
    private protected HookPoint() { }

    /// <summary>Which kind of program runs here.</summary>
    public abstract BpfHookKind Kind { get; }
}

/// <summary>XDP on an interface, in a mode (Auto lets the kernel choose).</summary>
public sealed record XdpHookPoint(XdpMode Mode) : HookPoint
{
    public override BpfHookKind Kind => BpfHookKind.Xdp;

    public override string ToString() => $"XDP ({Mode})";
}

/// <summary>
/// TC on an interface: a cls_bpf filter on clsact at a priority and handle (0 lets the kernel choose), or a tcx link,
/// which has neither: asking for one with tcx is refused rather than ignored.
/// </summary>
public sealed record TcHookPoint : HookPoint
{
    public TcHookPoint(TcDirection direction, TcMode mode = TcMode.Filter, uint priority = 0, uint handle = 0)
    {
        if (mode == TcMode.Tcx && (priority != 0 || handle != 0))
            throw new BpfException(ErrorId.TcxHasNoPriority,
                "A tcx link has no priority or handle (links are ordered by the kernel); -Priority and -Handle " +
                "apply to -Mode Filter.", mode,
                recommendedAction: "Leave out -Priority and -Handle, or use -Mode Filter.");
        Direction = direction;
        Mode = mode;
        Priority = priority;
        Handle = handle;
    }

    public TcDirection Direction { get; }
    public TcMode Mode { get; }
    /// <summary>Filter priority (tc's pref); 0 for tcx, or to let the kernel choose.</summary>
    public uint Priority { get; }
    /// <summary>Filter handle; 0 for tcx, or to let the kernel choose.</summary>
    public uint Handle { get; }

    public override BpfHookKind Kind => BpfHookKind.Tc;

    public override string ToString() => $"TC {Direction} ({Mode})";
}
