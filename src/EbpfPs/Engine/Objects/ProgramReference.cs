using System;
using EbpfPs.Engine.Objects;

namespace EbpfPs;

/// <summary>
/// What -Program names: a built-in program (by name, in the build for the hook), a program of a loaded
/// object, a kernel program by id or by its pin, or an object file. Opening it gives an AttachableProgram of our own.
/// </summary>
public sealed class ProgramReference
{
    private readonly Func<BpfHookKind, string?, string?, AttachLoad?, AttachableProgram> _open;

    private ProgramReference(string label, bool loads,
        Func<BpfHookKind, string?, string?, AttachLoad?, AttachableProgram> open)
    {
        Label = label;
        LoadsObject = loads;
        _open = open;
    }

    /// <summary>What the user named, for messages and results.</summary>
    public string Label { get; }

    /// <summary>True when opening loads an object (a built-in or a file), so a pin path applies to it.</summary>
    public bool LoadsObject { get; }

    public static ProgramReference Builtin(string name) =>
        new(name, true, (hook, program, pins, attach) =>
            AttachableProgram.FromBuiltin(name, hook, program, pins, attach));
    public static ProgramReference Id(uint id) =>
        new(id.ToString(), false, (_, _, _, _) => AttachableProgram.FromId(id));
    public static ProgramReference Loaded(BpfLoadedProgram program) =>
        new(program.Name, false, (_, _, _, _) => AttachableProgram.FromLoaded(program));
    public static ProgramReference Object(BpfObject obj) =>
        new(obj.Name, false, (hook, program, _, _) => AttachableProgram.FromLoaded(obj.ChooseProgram(program, hook)));
    /// <summary>
    /// A file by path: an object file to load, or, on bpffs, a pinned program (reading a pin as a file gives EIO).
    /// </summary>
    public static ProgramReference File(string path) => Engine.Pinning.BpfFs.IsOnBpfFs(path) ? Pinned(path)
        : new(System.IO.Path.GetFileName(path), true, (hook, program, pins, attach) =>
            AttachableProgram.FromFile(path, program, hook, pins, attach));
    public static ProgramReference Pinned(string path) =>
        new(System.IO.Path.GetFileName(path), false, (_, _, _, _) => AttachableProgram.FromPin(path));

    /// <summary>
    /// Opens the program for a hook; programName picks one of an object's programs (several with no name are
    /// ambiguous unless one alone fits the hook). A program this loads (a built-in or a file) pins its programs and
    /// maps under pinDirectory when one is given; without, a built-in's maps pinned by name go to its private
    /// folder and a file's to libbpf's default (the bpffs root). An attach command passes attach: the load then
    /// shares maps with what runs already (see AttachLoad).
    /// </summary>
    public AttachableProgram Open(BpfHookKind hook, string? programName = null, string? pinDirectory = null,
        AttachLoad? attach = null) =>
        _open(hook, programName, pinDirectory, attach);

    public override string ToString() => Label;
}
