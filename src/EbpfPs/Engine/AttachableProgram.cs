using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine;

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
    /// <summary>Map pins the load behind this program created (maps pinned by name), for callers that clean up after themselves.</summary>
    public IReadOnlyList<string> CreatedPins { get; private init; } = Array.Empty<string>();

    public const int TypeSchedCls = 3, TypeSchedAct = 4, TypeXdp = 6;

    public static AttachableProgram FromLoaded(BpfLoadedProgram program)
    {
        int fd = Libc.dup(program.Fd);
        if (fd < 0)
            throw BpfException.FromErrno(System.Runtime.InteropServices.Marshal.GetLastPInvokeError(), "duplicate fd of program", program.Name);
        var handle = new SafeFdHandle(fd);
        return new AttachableProgram(handle, KernelInventory.DescribeProgram(handle));
    }

    public static AttachableProgram FromId(uint id)
    {
        NativeRuntime.EnsureLibbpf();
        SafeFdHandle fd = Libbpf.FdById(Libbpf.IdKind.Program, id)
            ?? throw new BpfException("BpfProgramNotFound", BpfErrorKind.NotFound, $"No BPF program with id {id} is loaded.", id);
        return new AttachableProgram(fd, KernelInventory.DescribeProgram(fd));
    }

    /// <summary>
    /// Loads a file, keeps the named program (the first when null) and lets the rest of the object go. With a
    /// pin directory, maps pinned by name (and the object's programs and maps) are pinned there, not at the bpffs root.
    /// </summary>
    public static AttachableProgram FromFile(string path, string? programName, BpfHookKind hook,
        string? pinDirectory = null)
    {
        using BpfObject obj = BpfObjectLoader.Load(path, new BpfLoadOptions { PinPath = pinDirectory });
        AttachableProgram program = FromLoaded(obj.GetProgram(programName));
        return new AttachableProgram(program.Fd, program.Info) { CreatedPins = obj.CreatedPins };
    }

    public static AttachableProgram FromBuiltin(string name, BpfHookKind hook, string? programName = null,
        string? pinDirectory = null) =>
        FromFile(BuiltinObjects.Resolve(name, hook), programName, hook, pinDirectory);

    /// <summary>Refuses a program whose type cannot run at the hook, before anything is changed.</summary>
    public void RequireType(BpfHookKind hook)
    {
        bool ok = hook == BpfHookKind.Xdp ? Info.TypeId == TypeXdp : Info.TypeId is TypeSchedCls or TypeSchedAct;
        if (!ok)
            throw new BpfException("WrongProgramType", BpfErrorKind.InvalidArgument,
                $"Program '{Info.Name}' (id {Info.Id}) is of type {Info.Type}, which cannot be attached at the {hook} hook; " +
                $"it needs {(hook == BpfHookKind.Xdp ? "xdp" : "sched_cls")}.", Info.Name,
                recommendedAction: $"Load the {hook} build of the program (Import-BpfObject -Program <name> -Hook {hook}).");
    }

    /// <summary>For callers that only borrowed the program (a test run, a measurement): drop the map pins its load made.</summary>
    public void RemoveCreatedPins()
    {
        foreach (string pin in CreatedPins)
            if (System.IO.File.Exists(pin))
                System.IO.File.Delete(pin);
    }

    public void Dispose() => Fd.Dispose();
}
