using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Pinning;
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
    /// Where the load behind this program pinned its maps: the pin path it was given, or the private folder of a
    /// built-in (null when nothing was pinned or the program was already loaded).
    /// </summary>
    public string? PinPath { get; private init; }

    /// <summary>
    /// Program arrays of its object the program tail-calls through that nothing pins (see TailCallTables).
    /// </summary>
    public IReadOnlyList<BpfMapInfo> UnpinnedProgramArrays { get; private init; } = Array.Empty<BpfMapInfo>();

    internal BpfProgType ProgramType => (BpfProgType)Info.TypeId;

    /// <summary>The program's name in its object (the kernel keeps only 15 characters of it).</summary>
    internal string LibbpfName { get; private init; } = "";

    // The pin under -PinPath that held another program (the build this one replaces) when this one was loaded.
    private string? _takenPin;

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

    /// <summary>A program pinned on bpffs, opened by its pin (what `bpftool prog run pinned PATH` runs).</summary>
    public static AttachableProgram FromPin(string path)
    {
        NativeRuntime.EnsureLibbpf();
        SafeFdHandle fd = KernelInventory.OpenPinned(path, Libbpf.ObjectKind.Program);
        return Own(fd, () => KernelInventory.DescribeProgram(fd));
    }

    /// <summary>
    /// Loads a file, keeps the program meant for the hook (the named one, or the only one) and lets the rest of the
    /// object go. A named program is loaded alone (the others' autoload off), so one this kernel refuses elsewhere
    /// in the file is no obstacle. Programs whose section does not say their type get the hook's. With a pin path,
    /// what was loaded is pinned there (maps pinned by name too); without, libbpf's default applies.
    /// </summary>
    /// For an attach (attach given), maps that exist already are taken over (see AttachLoad).
    public static AttachableProgram FromFile(string path, string? programName, BpfHookKind hook,
        string? pinPath = null, AttachLoad? attach = null)
    {
        if (attach is null)
            return Load(path, programName, hook,
                new BpfLoadOptions { PinPath = pinPath, Hook = hook, OnlyProgram = programName });
        string full = System.IO.Path.GetFullPath(path);
        string? key = System.IO.File.Exists(full) ? SessionLoads.KeyOf(full) : null;
        IEnumerable<uint> siblings = key is null ? Array.Empty<uint>() : SessionLoads.Siblings(key, programName, hook);
        AttachableProgram program = Load(path, programName, hook, new BpfLoadOptions
        {
            PinPath = pinPath, Hook = hook, LeaveTakenProgramPins = true, OnlyProgram = programName,
            ReuseMapsOf = attach.Replacing.Concat(siblings).ToList(),
        });
        if (key is not null)
            SessionLoads.Remember(key, program.LibbpfName, hook, program.Info.Id);
        return program;
    }

    /// <summary>
    /// A built-in program for the hook. Without a pin path its maps pinned by name go to a private folder of the
    /// program (PrivatePins), never to the bpffs root where other sessions' copies would share them. For an attach,
    /// the maps of the built-in it replaces are taken over (into the new program's private folder).
    /// </summary>
    public static AttachableProgram FromBuiltin(string name, BpfHookKind hook, string? programName = null,
        string? pinPath = null, AttachLoad? attach = null) =>
        Load(BuiltinObjects.Resolve(name, hook), programName, hook,
            new BpfLoadOptions
            {
                PinPath = pinPath, Hook = hook, PrivateMapPins = true, LeaveTakenProgramPins = attach is not null,
                ReuseMapsOf = attach?.Replacing, OnlyProgram = programName,
            });

    private static AttachableProgram Load(string path, string? programName, BpfHookKind hook, BpfLoadOptions options)
    {
        using BpfObject obj = BpfObjectLoader.Load(path, options);
        try
        {
            BpfLoadedProgram chosen = obj.ChooseProgram(programName, hook);
            AttachableProgram program = FromLoaded(chosen);
            return new AttachableProgram(program.Fd, program.Info)
            {
                CreatedPins = obj.CreatedPins, UnpinnedProgramArrays = program.UnpinnedProgramArrays,
                PinPath = obj.PinPath ?? obj.CreatedPins.Where(PrivatePins.IsPrivate)
                    .Select(System.IO.Path.GetDirectoryName).FirstOrDefault(),
                LibbpfName = chosen.Name,
                _takenPin = chosen.PinnedPath is string pin && obj.TakenProgramPins.Contains(pin) ? pin : null,
            };
        }
        catch
        {
            // Nothing half-done: what this load pinned goes with the program that was not taken.
            BpfObjectLoader.Unpin(obj);
            throw;
        }
    }

    /// <summary>True when a program of this type can run at the hook.</summary>
    public bool Fits(BpfHookKind hook) => Fits(Info, hook);

    /// <summary>True when a program of this type can run at the hook.</summary>
    public static bool Fits(BpfProgramInfo program, BpfHookKind hook) =>
        hook == BpfHookKind.Xdp ? (BpfProgType)program.TypeId == BpfProgType.Xdp
            : (BpfProgType)program.TypeId is BpfProgType.SchedCls or BpfProgType.SchedAct;

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
    /// For callers that only borrowed the program (a test run, a measurement): drop the map pins its load made,
    /// and the private folder they were in.
    /// </summary>
    public void RemoveCreatedPins()
    {
        foreach (string pin in CreatedPins)
            if (System.IO.File.Exists(pin))
                System.IO.File.Delete(pin);
        foreach (string pin in CreatedPins.Where(PrivatePins.IsPrivate))
            PrivatePins.Remove(System.IO.Path.GetDirectoryName(pin)!);
    }

    /// <summary>
    /// Once the program runs: the pin of its name under -PinPath, which held the build it replaced, now holds this
    /// one (replaced in one rename, so the name never points at nothing). The old program keeps no pin: it goes
    /// when nothing else holds it, and no pin is left naming a program that runs nowhere.
    /// </summary>
    public void TakeOverPin()
    {
        if (_takenPin is not string pin)
            return;
        string next = $"{pin}_new{Guid.NewGuid():N}";
        BpfSystem.Current.Pin(Fd, next).OrThrow("pin the new program at", next);
        try { System.IO.File.Move(next, pin, overwrite: true); }
        catch { System.IO.File.Delete(next); throw; }
        _takenPin = null;
    }

    public void Dispose() => Fd.Dispose();

    private static AttachableProgram Own(SafeFdHandle fd, Func<BpfProgramInfo> describe)
    {
        try { return new AttachableProgram(fd, describe()); }
        catch { fd.Dispose(); throw; }
    }
}
