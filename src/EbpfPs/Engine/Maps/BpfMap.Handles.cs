using System;
using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// Maps whose values are programs or maps (program arrays for tail calls, arrays and hashes of maps): the kernel
/// takes an fd on write and gives the id back on read. Values are written from a loaded program or map, its
/// kernel description (what Get-BpfProgram, Get-BpfMap and a read of such a map return), an id or a pin path,
/// and read back as the program's or map's description, so what Get returns Set takes.
/// </summary>
public sealed partial class BpfMap
{
    private static Libbpf.ObjectKind? HeldKind(BpfMapType type) => type switch
    {
        BpfMapType.ProgArray => Libbpf.ObjectKind.Program,
        BpfMapType.ArrayOfMaps or BpfMapType.HashOfMaps => Libbpf.ObjectKind.Map,
        _ => null,
    };

    private static (MapCodec Key, MapCodec Value)? HandleCodecs(BpfMapInfo info, bool net)
    {
        if (HeldKind((BpfMapType)info.TypeId) is not Libbpf.ObjectKind kind || info.ValueSize != 4)
            return null;
        BtfTypeTable? btf = info.BtfId != 0 && info.BtfKeyTypeId != 0 ? BtfTypeTable.TryLoad(info.BtfId) : null;
        MapCodec key = btf is not null ? MapCodec.Build(btf.Type(info.BtfKeyTypeId), "key", net)
            : info.KeySize == 4 ? MapCodec.Index() : MapCodec.Raw((int)info.KeySize);
        return (key, MapCodec.Held(kind == Libbpf.ObjectKind.Program
            ? (b, o) => Describe(b, o, id => KernelInventory.ProgramById(id, throwIfMissing: false))
            : (b, o) => Describe(b, o, id => KernelInventory.MapById(id, throwIfMissing: false))));
    }

    /// <summary>The program or map with the id the kernel gave; the bare id when it went away meanwhile.</summary>
    private static object Describe(byte[] b, int o, Func<uint, object?> byId)
    {
        uint id = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(o));
        return byId(id) ?? id;
    }

    /// <summary>
    /// Opens what a value names and writes its fd into the value buffer; the handle must stay open until the
    /// update is done. Null for maps that hold no programs or maps, and for values given as raw bytes.
    /// </summary>
    private SafeFdHandle? HoldValue(object? value, byte[] buffer)
    {
        if (HeldKind(Type) is not Libbpf.ObjectKind kind || value is byte[])
            return null;
        SafeFdHandle fd = OpenHeld(kind, value is object?[] { Length: 1 } one ? one[0] : value);
        BinaryPrimitives.WriteInt32LittleEndian(buffer, fd.Fd);
        return fd;
    }

    private SafeFdHandle OpenHeld(Libbpf.ObjectKind kind, object? value)
    {
        string what = kind == Libbpf.ObjectKind.Program ? "program" : "map";
        switch (value)
        {
            case BpfLoadedProgram p when kind == Libbpf.ObjectKind.Program:
                return p.BorrowFd();
            case BpfLoadedMap m when kind == Libbpf.ObjectKind.Map:
                return m.BorrowFd();
            case BpfProgramInfo p when kind == Libbpf.ObjectKind.Program:
                return ById(kind, p.Id);
            case BpfMapInfo m when kind == Libbpf.ObjectKind.Map:
                return ById(kind, m.Id);
            case IDictionary d when (d["id"] ?? d["Id"]) is object id:
                return OpenHeld(kind, id);
            case string s when uint.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out uint id):
                return ById(kind, id);
            case string path:
                SafeFdHandle pinned = KernelInventory.OpenPinned(path);
                if (PinnedObjects.KindOf(pinned) == kind)
                    return pinned;
                pinned.Dispose();
                throw new BpfException(ErrorId.PinnedObjectWrongKind,
                    $"'{path}' is not a pinned {what}; map '{Info.Name}' ({Info.Type}) holds {what}s.", path);
            case byte or sbyte or short or ushort or int or uint or long or ulong:
                long number = Convert.ToInt64(value, CultureInfo.InvariantCulture);
                return number is >= 1 and <= uint.MaxValue ? ById(kind, (uint)number)
                    : throw MapCodec.FieldError(ErrorId.WrongShape, "value", $"is not a {what} id: {number}.");
            default:
                throw MapCodec.FieldError(ErrorId.WrongShape, "value",
                    $"of map '{Info.Name}' ({Info.Type}) is a {what}: give a loaded {what}, what Get-Bpf" +
                    $"{(kind == Libbpf.ObjectKind.Program ? "Program" : "Map")} returns, an id or a pin path, " +
                    $"not {value?.GetType().Name ?? "nothing"}.");
        }
    }

    private static SafeFdHandle ById(Libbpf.ObjectKind kind, uint id) =>
        KernelInventory.OpenById(kind, id) ?? throw (kind == Libbpf.ObjectKind.Program
            ? new BpfException(ErrorId.BpfProgramNotFound, $"No BPF program with id {id} is loaded.", id)
            : new BpfException(ErrorId.BpfMapNotFound, $"No BPF map with id {id} is loaded.", id));
}
