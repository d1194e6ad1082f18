using System;
using System.Collections.Generic;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Inventory;

/// <summary>Lists the programs and maps the kernel holds, whoever loaded them.</summary>
public static class KernelInventory
{
    public static IEnumerable<BpfProgramInfo> Programs()
    {
        NativeRuntime.EnsureLibbpf();
        foreach (uint id in Ids(Libbpf.ObjectKind.Program))
        {
            // A program can disappear between listing and opening; that is not an error.
            BpfProgramInfo? info = ProgramById(id, throwIfMissing: false);
            if (info is not null)
                yield return info;
        }
    }

    public static IEnumerable<BpfMapInfo> Maps()
    {
        NativeRuntime.EnsureLibbpf();
        foreach (uint id in Ids(Libbpf.ObjectKind.Map))
        {
            BpfMapInfo? info = MapById(id, throwIfMissing: false);
            if (info is not null)
                yield return info;
        }
    }

    /// <summary>Every id of a kind the kernel holds, in ascending order (ENOENT ends the walk).</summary>
    internal static IEnumerable<uint> Ids(Libbpf.ObjectKind kind)
    {
        uint id = 0;
        while (true)
        {
            Result<uint> next = BpfSystem.Current.NextId(kind, id);
            if (!next.Ok && next.Errno == Errno.ENOENT)
                yield break;
            id = next.OrThrow($"list BPF {kind.ToString().ToLowerInvariant()}s");
            yield return id;
        }
    }

    public static BpfProgramInfo? ProgramById(uint id, bool throwIfMissing = true)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle? fd = OpenById(Libbpf.ObjectKind.Program, id);
        return fd is null ? Missing<BpfProgramInfo>(ErrorId.BpfProgramNotFound, "program", id, throwIfMissing)
            : DescribeProgram(fd);
    }

    public static BpfMapInfo? MapById(uint id, bool throwIfMissing = true)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle? fd = OpenById(Libbpf.ObjectKind.Map, id);
        return fd is null ? Missing<BpfMapInfo>(ErrorId.BpfMapNotFound, "map", id, throwIfMissing) : DescribeMap(fd);
    }

    /// <summary>An fd of our own for the id, or null when nothing of that kind has it (any more).</summary>
    internal static SafeFdHandle? OpenById(Libbpf.ObjectKind kind, uint id) =>
        BpfSystem.Current.FdById(kind, id).OrNullIf(Errno.ENOENT,
            $"open BPF {kind.ToString().ToLowerInvariant()} id", id);

    /// <summary>Opens a pinned map by path and describes it.</summary>
    public static BpfMapInfo MapByPath(string path)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle fd = OpenPinned(path, Libbpf.ObjectKind.Map);
        return DescribeMap(fd) with { PinnedPath = path };
    }

    /// <summary>
    /// Opens a pin that must hold the given kind of object. The path is checked to be on bpffs first (anything
    /// else would be refused with EACCES or EPERM, which reads as "run as root"), and the fd's kind after: a
    /// program's fd asked for map info answers with the program's fields, so a program pin taken for a map would
    /// report nonsense and lead to an unrelated map with the program's id.
    /// </summary>
    internal static SafeFdHandle OpenPinned(string path, Libbpf.ObjectKind kind)
    {
        SafeFdHandle fd = OpenPin(path, Name(kind));
        Result<Libbpf.ObjectKind> found = BpfSystem.Current.ObjectKindOf(fd);
        if (found.Ok && found.Value == kind)
            return fd;
        fd.Dispose();
        throw new BpfException(ErrorId.WrongPinnedObjectType,
            $"'{path}' is a pinned {(found.Ok ? Name(found.Value) : "object of unknown kind")}, not a {Name(kind)}.",
            path);
    }

    /// <summary>
    /// Opens a pin of whatever kind, checked to be on bpffs first; the caller asks what it holds
    /// (PinnedObjects.KindOf) before taking it for one.
    /// </summary>
    internal static SafeFdHandle OpenPinned(string path) => OpenPin(path, "pinned BPF object");

    private static SafeFdHandle OpenPin(string path, string what)
    {
        if (!System.IO.File.Exists(path) && !System.IO.Directory.Exists(path))
            throw new BpfException(ErrorId.PinnedObjectNotFound, $"No pinned BPF object at '{path}'.", path);
        BpfFs.RequireOnBpfFs(path);
        if (System.IO.Directory.Exists(path))
            throw new BpfException(ErrorId.WrongPinnedObjectType,
                $"'{path}' is a folder on bpffs, not a {what}.", path);
        return BpfSystem.Current.OpenPinned(path).OrThrow("open pinned BPF object", path);
    }

    private static string Name(Libbpf.ObjectKind kind) => kind switch
    {
        Libbpf.ObjectKind.Program => "BPF program",
        Libbpf.ObjectKind.Map => "BPF map",
        _ => "BPF link",
    };

    internal static unsafe BpfProgramInfo DescribeProgram(SafeFdHandle fd)
    {
        Libbpf.BpfProgInfo info = BpfSystem.Current.ProgramInfo(fd).OrThrow("read info of BPF program");
        uint[] mapIds = new uint[info.NrMapIds];
        if (mapIds.Length > 0)
            BpfSystem.Current.ProgramMapIds(fd, mapIds).OrThrow("read the maps of BPF program", info.Id);
        ulong tag = info.Tag;
        string kernelName = Libbpf.FixedName(info.Name);
        return new BpfProgramInfo
        {
            Id = info.Id,
            Name = ProgramNames.FullName(fd, info) ?? kernelName,
            KernelName = kernelName,
            TypeId = (int)info.Type,
            Type = Libbpf.TypeName((BpfProgType)info.Type),
            Tag = Convert.ToHexString(new ReadOnlySpan<byte>(&tag, 8)).ToLowerInvariant(),
            LoadedAt = BootTime.ToWallClock(info.LoadTime),
            Uid = info.CreatedByUid,
            MapIds = mapIds,
            BtfId = info.BtfId,
            GplCompatible = (info.GplCompatible & 1) != 0,
            JitedSize = info.JitedProgLen,
            XlatedSize = info.XlatedProgLen,
            MemlockBytes = FdInfo.ReadLong(fd, "memlock"),
            VerifiedInstructions = info.VerifiedInsns,
            RunCount = info.RunCnt,
            RunTimeNs = info.RunTimeNs,
            RecursionMisses = info.RecursionMisses,
        };
    }

    internal static unsafe BpfMapInfo DescribeMap(SafeFdHandle fd)
    {
        Libbpf.BpfMapInfo info = BpfSystem.Current.MapInfo(fd).OrThrow("read info of BPF map");
        string? keyType = null, valueType = null;
        if (info.BtfId != 0 && BtfTypeTable.TryLoad(info.BtfId) is BtfTypeTable btf)
        {
            keyType = btf.CName(info.BtfKeyTypeId);
            valueType = btf.CName(info.BtfValueTypeId);
        }
        return new BpfMapInfo
        {
            Id = info.Id,
            Name = Libbpf.FixedName(info.Name),
            TypeId = (int)info.Type,
            Type = Libbpf.TypeName((BpfMapType)info.Type),
            KeySize = info.KeySize,
            ValueSize = info.ValueSize,
            MaxEntries = info.MaxEntries,
            Flags = info.MapFlags,
            BtfId = info.BtfId,
            BtfKeyTypeId = info.BtfKeyTypeId,
            BtfValueTypeId = info.BtfValueTypeId,
            KeyType = keyType,
            ValueType = valueType,
            MemlockBytes = FdInfo.ReadLong(fd, "memlock"),
        };
    }

    private static T? Missing<T>(string errorId, string what, uint id, bool throwIfMissing) where T : class =>
        throwIfMissing
            ? throw new BpfException(errorId, $"No BPF {what} with id {id} is loaded.", id)
            : null;
}
