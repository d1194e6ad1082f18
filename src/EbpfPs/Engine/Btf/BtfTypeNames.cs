using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Inventory;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// Type names for tab completion, read without describing the types: of a kernel BTF object, of the records an
/// event map's programs can send, and of the running kernel (vmlinux).
/// </summary>
public static class BtfTypeNames
{
    private const string VmlinuxPath = "/sys/kernel/btf/vmlinux";
    private static string[]? _vmlinux;

    /// <summary>Every named type of a BTF object the kernel holds, sorted.</summary>
    public static IReadOnlyList<string> OfKernelObject(uint btfId) =>
        Named(BtfTypeTable.Load(btfId), _ => true);

    /// <summary>
    /// What Receive-BpfEvent -TypeName takes for this map: the structs, unions, typedefs, enums and integers of
    /// its BTF and of the BTF of the programs that use it, by their bare names; structs and unions first, as a
    /// record is one.
    /// </summary>
    public static IReadOnlyList<string> EventRecords(BpfMapInfo map) =>
        BtfIdsFor(map).Select(BtfTypeTable.TryLoad).OfType<BtfTypeTable>().ToList() is var tables
            ? tables.SelectMany(t => Named(t, k => k is BtfKind.Struct or BtfKind.Union))
                .Concat(tables.SelectMany(t => Named(t, RecordKind))).Distinct(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>
    /// The running kernel's type names, sorted; read once per process (about 100,000 names from 5 MB), since
    /// the kernel's BTF does not change while it runs. Empty where the kernel has no BTF.
    /// </summary>
    public static IReadOnlyList<string> OfVmlinux()
    {
        if (_vmlinux is null)
        {
            byte[] raw;
            try { raw = System.IO.File.ReadAllBytes(VmlinuxPath); }
            catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException) { return []; }
            _vmlinux = Named(BtfTypeTable.Parse(raw), _ => true).ToArray();
        }
        return _vmlinux;
    }

    /// <summary>
    /// The BTF objects a map's records may be described in: its own, then those of the programs that use it (a
    /// ring buffer or perf event array has no key or value type, so the kernel usually keeps no BTF with it).
    /// </summary>
    internal static IReadOnlyList<uint> BtfIdsFor(BpfMapInfo map)
    {
        var ids = new List<uint>();
        if (map.BtfId != 0) ids.Add(map.BtfId);
        ids.AddRange(KernelInventory.Programs().Where(p => p.MapIds.Contains(map.Id) && p.BtfId != 0)
            .Select(p => p.BtfId));
        return ids.Distinct().ToList();
    }

    private static bool RecordKind(BtfKind kind) => kind is BtfKind.Struct
        or BtfKind.Union or BtfKind.Typedef or BtfKind.Enum
        or BtfKind.Enum64 or BtfKind.Int;

    private static IReadOnlyList<string> Named(BtfTypeTable table, Func<BtfKind, bool> kinds) =>
        table.Ids().Where(id => kinds(table.KindOf(id))).Select(table.NameOf).Where(n => n.Length > 0)
            .Distinct(StringComparer.Ordinal).OrderBy(n => n, StringComparer.Ordinal).ToList();
}
