using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;

namespace EbpfPs;

/// <summary>
/// A BPF object file loaded into the kernel. Its programs and maps stay loaded while this object
/// is alive (or while something pins or attaches them); Dispose releases our hold.
/// </summary>
public sealed class BpfObject : IDisposable
{
    internal BpfObject(SafeBpfObjectHandle handle, string name, string path, string? pinPath)
    {
        Handle = handle;
        Name = name;
        Path = path;
        PinPath = pinPath;
    }

    internal SafeBpfObjectHandle Handle { get; }
    public string Name { get; }
    public string Path { get; }
    /// <summary>The bpffs folder its programs and maps were pinned under, if any.</summary>
    public string? PinPath { get; }
    public IReadOnlyList<BpfLoadedProgram> Programs { get; internal set; } = Array.Empty<BpfLoadedProgram>();
    public IReadOnlyList<BpfLoadedMap> Maps { get; internal set; } = Array.Empty<BpfLoadedMap>();
    public bool IsLoaded => !Handle.IsClosed;
    /// <summary>Map pins (LIBBPF_PIN_BY_NAME) that did not exist before this load and so belong to it.</summary>
    public IReadOnlyList<string> CreatedPins { get; internal set; } = Array.Empty<string>();
    /// <summary>The pins this load made under PinPath; Remove-BpfObject removes these and nothing else there.</summary>
    internal IReadOnlyList<OwnPin> OwnPins { get; set; } = Array.Empty<OwnPin>();
    /// <summary>The folders this load made for PinPath (outermost first), removed with it once empty.</summary>
    internal IReadOnlyList<string> CreatedFolders { get; init; } = Array.Empty<string>();
    /// <summary>Program pins under PinPath that held something already and were left for the attach to move.</summary>
    internal IReadOnlyList<string> TakenProgramPins { get; init; } = Array.Empty<string>();

    /// <summary>
    /// The program with this name; throws ObjectNotFound listing what the object has. Without a name, the
    /// object's only program; several are ambiguous (ProgramNameRequired lists them) rather than the first.
    /// </summary>
    public BpfLoadedProgram GetProgram(string? name = null) => ChooseProgram(name, hook: null);

    /// <summary>
    /// The program a command for a hook means: the named one, else the only program, else the only one whose
    /// type runs at the hook. Anything else is ambiguous, and nothing is guessed.
    /// </summary>
    public BpfLoadedProgram ChooseProgram(string? name, BpfHookKind? hook)
    {
        if (name is null && Programs.Count > 0)
        {
            if (Programs.Count == 1)
                return Programs[0];
            var fitting = hook is null ? new List<BpfLoadedProgram>()
                : Programs.Where(p => Engine.Objects.AttachableProgram.Fits(p.Info, hook.Value)).ToList();
            if (fitting.Count == 1)
                return fitting[0];
            throw new BpfException(ErrorId.ProgramNameRequired,
                $"Object '{Path}' has {Programs.Count} programs" +
                (hook is null ? "" : $", {(fitting.Count == 0 ? "none" : fitting.Count.ToString())} of them for " +
                    $"the {hook} hook") +
                $": {string.Join(", ", Programs.Select(p => $"{p.Name} ({p.Type})"))}. Say which with -ProgramName.",
                Path, recommendedAction: $"Add -ProgramName {(fitting.Count > 0 ? fitting : Programs)[0].Name} " +
                    "(or another of the names listed).");
        }
        foreach (BpfLoadedProgram p in Programs)
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
                return p;
        throw new BpfException(ErrorId.BpfProgramNotInObject,
            $"Object '{Path}' has no program named '{name}'. " +
            $"It has: {string.Join(", ", Programs.Select(p => p.Name))}.", name);
    }

    /// <summary>
    /// The map with this name; a data section's map also by its section (".rodata", ".bss"), which libbpf names
    /// after the object ("globals.rodata").
    /// </summary>
    public BpfLoadedMap GetMap(string name)
    {
        foreach (BpfLoadedMap m in Maps)
            if (string.Equals(m.Name, name, StringComparison.Ordinal))
                return m;
        var sections = Maps.Where(m => name.StartsWith('.') && m.Name.EndsWith(name, StringComparison.Ordinal))
            .ToList();
        if (sections.Count == 1)
            return sections[0];
        throw new BpfException(ErrorId.BpfMapNotInObject,
            $"Object '{Path}' has no map named '{name}'. It has: {string.Join(", ", Maps.Select(m => m.Name))}.", name);
    }

    public void Dispose() => Handle.Dispose();

    public override string ToString() => $"{Name} ({Programs.Count} programs, {Maps.Count} maps)";
}

/// <summary>What programs and maps of a loaded object share: their owner, name and pin.</summary>
public abstract class BpfObjectPart
{
    private protected BpfObjectPart(BpfObject owner, string name, string? pinnedPath)
    {
        Object = owner;
        Name = name;
        PinnedPath = pinnedPath;
    }

    public BpfObject Object { get; }
    /// <summary>libbpf's full name (the kernel keeps only the first 15 characters).</summary>
    public string Name { get; }
    public string? PinnedPath { get; }

    /// <summary>
    /// The object's own fd of this part, for kernel calls; throws once the owning object was released.
    /// </summary>
    internal SafeFdHandle BorrowFd() =>
        (Object.IsLoaded ? NativeFd() : null)
        ?? throw new BpfException(ErrorId.BpfObjectClosed,
            $"'{Name}' belongs to BPF object '{Object.Path}', which was released.", Name);

    private protected abstract SafeFdHandle? NativeFd();
}

/// <summary>A program of a loaded object: its kernel identity plus the fd that keeps it loaded.</summary>
public sealed class BpfLoadedProgram : BpfObjectPart
{
    private readonly NativeProgram _native;

    internal BpfLoadedProgram(BpfObject owner, NativeProgram native, BpfProgramInfo info, string name,
        string section, string? pinnedPath)
        : base(owner, name, pinnedPath)
    {
        _native = native;
        Info = info;
        SectionName = section;
    }

    public BpfProgramInfo Info { get; }
    public uint Id => Info.Id;
    public string Type => Info.Type;
    public string Tag => Info.Tag;
    public string SectionName { get; }
    /// <summary>The maps of its object this program uses (by the kernel's map ids of the program).</summary>
    public IReadOnlyList<BpfLoadedMap> Maps => Object.Maps.Where(m => Info.MapIds.Contains(m.Id)).ToList();

    private protected override SafeFdHandle? NativeFd() => _native.BorrowFd();

    public override string ToString() => $"{Id}: {Type} {Name}";
}

/// <summary>A map of a loaded object.</summary>
public sealed class BpfLoadedMap : BpfObjectPart
{
    private readonly NativeMap _native;

    internal BpfLoadedMap(BpfObject owner, NativeMap native, BpfMapInfo info, string name, string? pinnedPath)
        : base(owner, name, pinnedPath)
    {
        _native = native;
        Info = info;
    }

    public BpfMapInfo Info { get; }
    public uint Id => Info.Id;
    public string Type => Info.Type;
    public uint KeySize => Info.KeySize;
    public uint ValueSize => Info.ValueSize;
    public uint MaxEntries => Info.MaxEntries;

    private protected override SafeFdHandle? NativeFd() => _native.BorrowFd();

    public override string ToString() => $"{Id}: {Type} {Name}";
}
