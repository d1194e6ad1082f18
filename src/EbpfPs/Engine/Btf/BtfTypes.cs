using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Pinning;
using EbpfPs.Engine.Validation;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Btf;

/// <summary>Which types Get-BpfBtfType returns: by name (a predicate), kind (as BTF spells it) and id.</summary>
public sealed record BtfTypeFilter(Func<string, bool>? Name = null, IReadOnlyCollection<string>? Kinds = null,
    IReadOnlyCollection<uint>? Ids = null);

/// <summary>
/// BTF types as objects from where they live: an object file's .BTF section (or a raw BTF file such as
/// /sys/kernel/btf/vmlinux), a BTF object the kernel holds, a map's key and value, or whatever is pinned at a
/// bpffs path. All of it goes through the one BTF model (BtfImage, BtfTypeTable).
/// </summary>
public static class BtfTypes
{
    /// <summary>
    /// An object file, a raw BTF file, or a pin on bpffs (its map's key and value, its program's BTF).
    /// </summary>
    public static IEnumerable<BpfBtfType> FromPath(string path, BtfTypeFilter filter)
    {
        return IsOnBpfFs(path) ? FromPin(path, filter) : Select(FileTable(path), null, filter, null);
    }

    public static IEnumerable<BpfBtfType> FromKernel(uint btfId, BtfTypeFilter filter)
    {
        NativeRuntime.EnsureLibbpf();
        return Select(BtfTypeTable.Load(btfId), btfId, filter, null);
    }

    /// <summary>A map's key and value types (as bpftool btf dump map shows by default).</summary>
    public static IEnumerable<BpfBtfType> OfMap(BpfMapInfo map, BtfTypeFilter filter)
    {
        if (map.BtfId == 0)
            throw new BpfException(ErrorId.NoBtf,
                $"Map '{map.Name}' (id {map.Id}) has no BTF: it was made without type information.", map.Name);
        var roots = new[] { map.BtfKeyTypeId, map.BtfValueTypeId }.Where(t => t != 0).Distinct().ToArray();
        return Select(BtfTypeTable.Load(map.BtfId), map.BtfId, filter, roots);
    }

    /// <summary>
    /// The type names in a file or a kernel BTF object, without describing the types (for completion).
    /// </summary>
    public static IEnumerable<string> Names(string? path, uint? btfId)
    {
        BtfTypeTable? table = path is not null && !IsOnBpfFs(path) ? FileTable(path)
            : btfId is uint id ? BtfTypeTable.Load(id) : null;
        return table is null ? Array.Empty<string>()
            : table.Ids().Select(table.NameOf).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<BpfBtfType> FromPin(string path, BtfTypeFilter filter)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle fd = KernelInventory.OpenPinned(path);
        switch (PinnedObjects.KindOf(fd))
        {
            case Libbpf.ObjectKind.Map:
                return OfMap(KernelInventory.DescribeMap(fd) with { PinnedPath = path }, filter);
            case Libbpf.ObjectKind.Program:
                BpfProgramInfo program = KernelInventory.DescribeProgram(fd);
                if (program.BtfId == 0)
                    throw new BpfException(ErrorId.NoBtf, $"Program '{program.Name}' (id {program.Id}) has no BTF.",
                        path);
                return FromKernel(program.BtfId, filter);
            default:
                throw new BpfException(ErrorId.NoBtf, $"'{path}' pins neither a map nor a program; it has no BTF.",
                    path);
        }
    }

    private static bool IsOnBpfFs(string path)
    {
        try { BpfFs.CheckOnBpfFs(path); return true; }
        catch (BpfException) { return false; }
    }

    /// <summary>
    /// The .BTF section of an object file, checked whole by the object validator first, or a raw BTF file.
    /// </summary>
    private static BtfTypeTable FileTable(string path)
    {
        ObjectFileValidator.RequireRegularFile(path);
        byte[] image = ReadFile(path);
        if (image.Length >= 2 && (image[0], image[1]) is (0x9f, 0xeb) or (0xeb, 0x9f))
            return BtfTypeTable.Parse(image);
        ObjectFileValidator.Validate(image, path);
        ElfImage elf = ElfImage.Parse(image);
        int index = elf.FindUnique(".BTF"u8);
        if (index < 0)
            throw new BpfException(ErrorId.NoBtf,
                $"'{path}' has no .BTF section: it was built without -g, so it carries no type information.", path);
        return BtfTypeTable.Parse(elf.Data(elf.Sections[index]).ToArray());
    }

    private static byte[] ReadFile(string path)
    {
        try
        {
            long length = new FileInfo(path).Length;
            if (length > ObjectFileValidator.MaxObjectSize)
                throw new BpfException(ErrorId.ObjectFileTooLarge,
                    $"'{path}' is {length} bytes; files larger than {ObjectFileValidator.MaxObjectSize} bytes " +
                    "are refused.", path);
            return File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw BpfException.FromErrno((int)Errno.EACCES, "read", path, ErrorId.ObjectFileUnreadable);
        }
        catch (IOException e)
        {
            throw new BpfException(ErrorId.ObjectFileUnreadable, $"Cannot read '{path}': {e.Message}", path, inner: e);
        }
    }

    /// <summary>The types a filter lets through, in id order (of roots only, when given), built lazily.</summary>
    private static IEnumerable<BpfBtfType> Select(BtfTypeTable table, uint? btfId, BtfTypeFilter filter,
        IReadOnlyCollection<uint>? roots)
    {
        IEnumerable<uint> ids = roots ?? table.Ids();
        if (filter.Ids is { Count: > 0 } wanted)
            ids = ids.Where(wanted.Contains);
        foreach (uint id in ids)
        {
            if (filter.Kinds is { Count: > 0 } kinds
                && !kinds.Contains(BtfImage.KindName(table.KindOf(id)), StringComparer.OrdinalIgnoreCase))
                continue;
            if (filter.Name is not null && !filter.Name(table.NameOf(id)))
                continue;
            yield return table.Describe(id, btfId);
        }
    }
}
