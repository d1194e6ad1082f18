using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine;

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

    /// <summary>The program with this name; throws ObjectNotFound listing what the object has.</summary>
    public BpfLoadedProgram GetProgram(string? name = null)
    {
        if (name is null && Programs.Count > 0)
            return Programs[0];
        foreach (BpfLoadedProgram p in Programs)
            if (string.Equals(p.Name, name, StringComparison.Ordinal))
                return p;
        throw new BpfException("BpfProgramNotInObject", BpfErrorKind.NotFound,
            $"Object '{Path}' has no program named '{name}'. It has: {string.Join(", ", Names(Programs))}.", name);
    }

    public BpfLoadedMap GetMap(string name)
    {
        foreach (BpfLoadedMap m in Maps)
            if (string.Equals(m.Name, name, StringComparison.Ordinal))
                return m;
        throw new BpfException("BpfMapNotInObject", BpfErrorKind.NotFound,
            $"Object '{Path}' has no map named '{name}'. It has: {string.Join(", ", Names(Maps))}.", name);
    }

    private static IEnumerable<string> Names(IEnumerable<BpfLoadedProgram> items) { foreach (var i in items) yield return i.Name; }
    private static IEnumerable<string> Names(IEnumerable<BpfLoadedMap> items) { foreach (var i in items) yield return i.Name; }

    public void Dispose() => Handle.Dispose();

    public override string ToString() => $"{Name} ({Programs.Count} programs, {Maps.Count} maps)";
}

/// <summary>A program of a loaded object: its kernel identity plus the fd that keeps it loaded.</summary>
public sealed class BpfLoadedProgram
{
    internal BpfLoadedProgram(BpfObject owner, nint native, BpfProgramInfo info, string name, string section, string? pinnedPath)
    {
        Object = owner;
        Name = name;
        Native = native;
        Info = info;
        SectionName = section;
        PinnedPath = pinnedPath;
    }

    internal nint Native { get; }
    public BpfObject Object { get; }
    public BpfProgramInfo Info { get; }
    /// <summary>libbpf's full name (the kernel keeps only the first 15 characters).</summary>
    public string Name { get; }
    public uint Id => Info.Id;
    public string Type => Info.Type;
    public string Tag => Info.Tag;
    public string SectionName { get; }
    public string? PinnedPath { get; }

    /// <summary>The fd for attach calls; throws if the owning object was disposed.</summary>
    public int Fd => Object.IsLoaded
        ? Libbpf.bpf_program__fd(Native)
        : throw new BpfException("BpfObjectClosed", BpfErrorKind.InvalidArgument,
            $"Program '{Info.Name}' belongs to an object that was closed.", Info.Name);

    public override string ToString() => $"{Id}: {Type} {Name}";
}

/// <summary>A map of a loaded object.</summary>
public sealed class BpfLoadedMap
{
    internal BpfLoadedMap(BpfObject owner, nint native, BpfMapInfo info, string name, string? pinnedPath)
    {
        Object = owner;
        Native = native;
        Info = info;
        Name = name;
        PinnedPath = pinnedPath;
    }

    internal nint Native { get; }
    public BpfObject Object { get; }
    public BpfMapInfo Info { get; }
    /// <summary>libbpf's full name (the kernel keeps only 15 characters, e.g. for .rodata maps).</summary>
    public string Name { get; }
    public uint Id => Info.Id;
    public string Type => Info.Type;
    public string? PinnedPath { get; }

    public int Fd => Object.IsLoaded
        ? Libbpf.bpf_map__fd(Native)
        : throw new BpfException("BpfObjectClosed", BpfErrorKind.InvalidArgument,
            $"Map '{Name}' belongs to an object that was closed.", Name);

    public override string ToString() => $"{Id}: {Type} {Name}";
}
