using System;
using EbpfPs.Engine.Objects;

namespace EbpfPs;

/// <summary>
/// What -Program names: a built-in program (by name, in the build for the hook), a program of a loaded
/// object, a kernel program by id, or an object file. Opening it gives an AttachableProgram of our own.
/// </summary>
public sealed class ProgramReference
{
    private readonly Func<BpfHookKind, string?, AttachableProgram> _open;

    private ProgramReference(string label, Func<BpfHookKind, string?, AttachableProgram> open)
    {
        Label = label;
        _open = open;
    }

    /// <summary>What the user named, for messages and results.</summary>
    public string Label { get; }

    public static ProgramReference Builtin(string name) => new(name, (hook, program) =>
        AttachableProgram.FromBuiltin(name, hook, program));
    public static ProgramReference Id(uint id) => new(id.ToString(), (_, _) => AttachableProgram.FromId(id));
    public static ProgramReference Loaded(BpfLoadedProgram program) =>
        new(program.Name, (_, _) => AttachableProgram.FromLoaded(program));
    public static ProgramReference Object(BpfObject obj) => new(obj.Name, (_, program) =>
        AttachableProgram.FromLoaded(obj.GetProgram(program)));
    public static ProgramReference File(string path) =>
        new(System.IO.Path.GetFileName(path), (hook, program) => AttachableProgram.FromFile(path, program, hook));

    /// <summary>Opens the program for a hook; programName picks one of an object's programs.</summary>
    public AttachableProgram Open(BpfHookKind hook, string? programName = null) => _open(hook, programName);

    public override string ToString() => Label;
}
