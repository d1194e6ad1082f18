using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;

namespace EbpfPs;

/// <summary>
/// The maps one program uses, reached from what a pipeline hands over: an attachment, a program from
/// Get-BpfProgram, or a program of Import-BpfObject's result. Says which of them a -MapName means.
/// </summary>
public sealed class ProgramMaps
{
    /// <summary>
    /// One map of the program: the kernel's description, the name to match (libbpf's full name when the program
    /// came loaded, else the kernel's 15 characters) and, for a loaded program, the object's own map.
    /// </summary>
    internal sealed record Member(BpfMapInfo Info, string Name, BpfLoadedMap? Loaded);

    private const int KernelNameLength = 15;
    private readonly Func<IReadOnlyList<Member>> _members;
    private IReadOnlyList<Member>? _read;

    private ProgramMaps(uint programId, string programName, Func<IReadOnlyList<Member>> members)
    {
        ProgramId = programId;
        ProgramName = programName;
        _members = members;
    }

    public uint ProgramId { get; }
    public string ProgramName { get; }
    public string Label => $"program '{ProgramName}' (id {ProgramId})";

    /// <summary>A program the kernel holds, by id: its map ids are read when first asked for.</summary>
    public static ProgramMaps Kernel(uint programId, string? programName = null) =>
        new(programId, programName ?? programId.ToString(), () => ReadKernel(programId));

    /// <summary>A program of a loaded object: its maps are the object's maps it uses, under libbpf's names.</summary>
    public static ProgramMaps Loaded(BpfLoadedProgram program) => new(program.Id, program.Name,
        () => program.Maps.Select(m => new Member(m.Info, m.Name, m)).ToList());

    internal IReadOnlyList<Member> Members => _read ??= _members();

    /// <summary>The maps the program uses, as the kernel describes them, in the program's order.</summary>
    public IReadOnlyList<BpfMapInfo> List() => Members.Select(m => m.Info).ToList();

    /// <summary>
    /// The map mapName means: by its name (a name longer than the kernel keeps also by its first 15 characters),
    /// or a data section's map by its section (".rodata", ".bss"). No name, no match or several matches
    /// are errors that list what the program has; nothing is guessed.
    /// </summary>
    internal Member Choose(string? mapName)
    {
        IReadOnlyList<Member> members = Members;
        if (mapName is null)
            throw new BpfException(ErrorId.MapNameRequired,
                $"The {Label} uses maps {Names(members)}; say which with -MapName.", ProgramName);
        var found = members.Where(m => Same(m, mapName)).ToList();
        if (found.Count == 0 && mapName.Length > KernelNameLength)
            found = members.Where(m => m.Info.Name == mapName[..KernelNameLength]).ToList();
        if (found.Count == 0 && mapName.StartsWith('.'))
            found = members.Where(m => m.Name.EndsWith(mapName, StringComparison.Ordinal)).ToList();
        return found.Count switch
        {
            1 => found[0],
            0 => throw new BpfException(ErrorId.BpfMapNotInProgram,
                $"The {Label} uses no map named '{mapName}'. It uses: {Names(members)}.", mapName),
            _ => throw new BpfException(ErrorId.BpfMapNameAmbiguous,
                $"The {Label} uses {found.Count} maps named '{mapName}' (ids " +
                    $"{string.Join(", ", found.Select(m => m.Info.Id))}); name the map by -Id.", mapName),
        };
    }

    /// <summary>The map mapName means, as the kernel describes it.</summary>
    public BpfMapInfo Describe(string? mapName) => Choose(mapName).Info;

    private static bool Same(Member m, string name) =>
        string.Equals(m.Name, name, StringComparison.Ordinal)
        || string.Equals(m.Info.Name, name, StringComparison.Ordinal);

    private static string Names(IReadOnlyList<Member> members) =>
        members.Count == 0 ? "none" : string.Join(", ", members.Select(m => m.Name));

    private static IReadOnlyList<Member> ReadKernel(uint programId)
    {
        BpfProgramInfo program = KernelInventory.ProgramById(programId)!;
        var members = new List<Member>();
        // The program may be unloaded between reading it and opening its maps, and its maps with it.
        foreach (uint id in program.MapIds)
            if (KernelInventory.MapById(id, throwIfMissing: false) is BpfMapInfo info)
                members.Add(new Member(info, info.Name, null));
        return members;
    }

    public override string ToString() => Label;
}
