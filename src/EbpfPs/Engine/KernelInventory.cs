using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>Lists the programs and maps the kernel holds, whoever loaded them.</summary>
public static class KernelInventory
{
    public static IEnumerable<BpfProgramInfo> Programs()
    {
        NativeRuntime.EnsureLibbpf();
        uint id = 0;
        while ((id = Libbpf.NextId(Libbpf.IdKind.Program, id)) != 0)
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
        uint id = 0;
        while ((id = Libbpf.NextId(Libbpf.IdKind.Map, id)) != 0)
        {
            BpfMapInfo? info = MapById(id, throwIfMissing: false);
            if (info is not null)
                yield return info;
        }
    }

    public static BpfProgramInfo? ProgramById(uint id, bool throwIfMissing = true)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle? fd = Libbpf.FdById(Libbpf.IdKind.Program, id);
        return fd is null ? Missing<BpfProgramInfo>("BpfProgramNotFound", "program", id, throwIfMissing) : DescribeProgram(fd);
    }

    public static BpfMapInfo? MapById(uint id, bool throwIfMissing = true)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle? fd = Libbpf.FdById(Libbpf.IdKind.Map, id);
        return fd is null ? Missing<BpfMapInfo>("BpfMapNotFound", "map", id, throwIfMissing) : DescribeMap(fd);
    }

    /// <summary>Opens a pinned map or program by path and describes it.</summary>
    public static BpfMapInfo MapByPath(string path)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle fd = OpenPinned(path);
        return DescribeMap(fd) with { PinnedPath = path };
    }

    internal static SafeFdHandle OpenPinned(string path)
    {
        if (!System.IO.File.Exists(path))
            throw new BpfException("PinnedObjectNotFound", BpfErrorKind.NotFound, $"No pinned BPF object at '{path}'.", path);
        return Libbpf.ObjGet(path);
    }

    internal static unsafe BpfProgramInfo DescribeProgram(SafeFdHandle fd)
    {
        var info = Libbpf.GetInfo<Libbpf.BpfProgInfo>(fd, "BPF program");
        uint[] mapIds = new uint[info.NrMapIds];
        if (mapIds.Length > 0)
        {
            // Second call: the kernel copies the map ids into our array.
            fixed (uint* p = mapIds)
            {
                var req = new Libbpf.BpfProgInfo { NrMapIds = (uint)mapIds.Length, MapIds = (ulong)p };
                Libbpf.GetInfoRaw(fd, &req, (uint)sizeof(Libbpf.BpfProgInfo), "BPF program maps");
            }
        }
        ulong tag = info.Tag;
        return new BpfProgramInfo
        {
            Id = info.Id,
            Name = Libbpf.FixedName(info.Name),
            TypeId = (int)info.Type,
            Type = Libbpf.ProgTypeName((int)info.Type),
            Tag = Convert.ToHexString(new ReadOnlySpan<byte>(&tag, 8)).ToLowerInvariant(),
            LoadedAt = BootTime.ToWallClock(info.LoadTime),
            Uid = info.CreatedByUid,
            MapIds = mapIds,
            BtfId = info.BtfId,
            GplCompatible = (info.GplCompatible & 1) != 0,
            JitedSize = info.JitedProgLen,
            XlatedSize = info.XlatedProgLen,
            MemlockBytes = FdInfo.ReadLong(fd.Fd, "memlock"),
            VerifiedInstructions = info.VerifiedInsns,
            RunCount = info.RunCnt,
            RunTimeNs = info.RunTimeNs,
            RecursionMisses = info.RecursionMisses,
        };
    }

    internal static unsafe BpfMapInfo DescribeMap(SafeFdHandle fd)
    {
        var info = Libbpf.GetInfo<Libbpf.BpfMapInfo>(fd, "BPF map");
        string? keyType = null, valueType = null;
        if (info.BtfId != 0)
        {
            using var btf = BtfTypeNames.TryLoad(info.BtfId);
            keyType = btf?.NameOf(info.BtfKeyTypeId);
            valueType = btf?.NameOf(info.BtfValueTypeId);
        }
        return new BpfMapInfo
        {
            Id = info.Id,
            Name = Libbpf.FixedName(info.Name),
            TypeId = (int)info.Type,
            Type = Libbpf.MapTypeName((int)info.Type),
            KeySize = info.KeySize,
            ValueSize = info.ValueSize,
            MaxEntries = info.MaxEntries,
            Flags = info.MapFlags,
            BtfId = info.BtfId,
            BtfKeyTypeId = info.BtfKeyTypeId,
            BtfValueTypeId = info.BtfValueTypeId,
            KeyType = keyType,
            ValueType = valueType,
            MemlockBytes = FdInfo.ReadLong(fd.Fd, "memlock"),
        };
    }

    private static T? Missing<T>(string errorId, string what, uint id, bool throwIfMissing) where T : class =>
        throwIfMissing
            ? throw new BpfException(errorId, BpfErrorKind.NotFound, $"No BPF {what} with id {id} is loaded.", id)
            : null;
}
