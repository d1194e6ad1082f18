using System;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// A program ready to attach: an fd of our own (so the caller's object can go away) plus what the
/// kernel says about it. Built from a loaded object, a kernel id, a file or a built-in name.
/// </summary>
public sealed class AttachableProgram : IDisposable
{
    private AttachableProgram(SafeFdHandle fd, BpfProgramInfo info)
    {
        Fd = fd;
        Info = info;
    }

    internal SafeFdHandle Fd { get; }
    public BpfProgramInfo Info { get; }
    /// <summary>
    /// Map pins the load behind this program created (maps pinned by name), for callers that clean up after themselves.
    /// </summary>
    public IReadOnlyList<string> CreatedPins { get; private init; } = Array.Empty<string>();

    /// <summary>
    /// Program arrays of its object the program tail-calls through that nothing pins (see TailCallTables).
    /// </summary>
    public IReadOnlyList<BpfMapInfo> UnpinnedProgramArrays { get; private init; } = Array.Empty<BpfMapInfo>();

    internal BpfProgType ProgramType => (BpfProgType)Info.TypeId;

    public static AttachableProgram FromLoaded(BpfLoadedProgram program)
    {
        using SafeFdHandle borrowed = program.BorrowFd();
        SafeFdHandle fd = BpfSystem.Current.Dup(borrowed).OrThrow("duplicate fd of program", program.Name);
        AttachableProgram own = Own(fd, () => KernelInventory.DescribeProgram(fd));
        return new AttachableProgram(own.Fd, own.Info)
        {
            UnpinnedProgramArrays = TailCallTables.Unpinned(program.Object, own.Info),
        };
    }

    public static AttachableProgram FromId(uint id)
    {
        NativeRuntime.EnsureLibbpf();
        SafeFdHandle fd = BpfSystem.Current.FdById(Libbpf.ObjectKind.Program, id).OrNullIf(Errno.ENOENT,
            "open BPF program id", id)
            ?? throw new BpfException(ErrorId.BpfProgramNotFound, $"No BPF program with id {id} is loaded.", id);
        return Own(fd, () => KernelInventory.DescribeProgram(fd));
    }

    /// <summary>
    /// Loads a file, keeps the named program (the first when null) and lets the rest of the object go. With a
    /// pin directory, maps pinned by name (and the object's programs and maps) are pinned there, not at the
    /// bpffs root.
    /// </summary>
    public static AttachableProgram FromFile(string path, string? programName, BpfHookKind hook,
        string? pinDirectory = null)
    {
        using BpfObject obj = BpfObjectLoader.Load(path, new BpfLoadOptions { PinPath = pinDirectory });
        AttachableProgram program = FromLoaded(obj.GetProgram(programName));
        return new AttachableProgram(program.Fd, program.Info)
        {
            CreatedPins = obj.CreatedPins, UnpinnedProgramArrays = program.UnpinnedProgramArrays,
        };
    }

    public static AttachableProgram FromBuiltin(string name, BpfHookKind hook, string? programName = null,
        string? pinDirectory = null) =>
        FromFile(BuiltinObjects.Resolve(name, hook), programName, hook, pinDirectory);

    /// <summary>True when a program of this type can run at the hook.</summary>
    public bool Fits(BpfHookKind hook) =>
        hook == BpfHookKind.Xdp ? ProgramType == BpfProgType.Xdp
            : ProgramType is BpfProgType.SchedCls or BpfProgType.SchedAct;

    /// <summary>Refuses a program whose type cannot run at the hook, before anything is changed.</summary>
    public void RequireType(BpfHookKind hook)
    {
        if (!Fits(hook))
            throw new BpfException(ErrorId.WrongProgramType,
                $"Program '{Info.Name}' (id {Info.Id}) is of type {Info.Type}, which cannot be attached at the " +
                $"{hook} hook; it needs {(hook == BpfHookKind.Xdp ? "xdp" : "sched_cls")}.", Info.Name,
                recommendedAction: $"Load the {hook} build of the program (Import-BpfObject -Program <name> -Hook " +
                    $"{hook}).");
    }

    /// <summary>
    /// For callers that only borrowed the program (a test run, a measurement): drop the map pins its load made.
    /// </summary>
    public void RemoveCreatedPins()
    {
        foreach (string pin in CreatedPins)
            if (System.IO.File.Exists(pin))
                System.IO.File.Delete(pin);
    }

    public void Dispose() => Fd.Dispose();

    private static AttachableProgram Own(SafeFdHandle fd, Func<BpfProgramInfo> describe)
    {
        try { return new AttachableProgram(fd, describe()); }
        catch { fd.Dispose(); throw; }
    }
}
