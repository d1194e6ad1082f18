using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Before a load: the object's maps that take over maps which exist already, so a second program of one object and
/// a new build of a running one count into, and block by, the same maps. Sources, first match by name wins: maps
/// pinned under the load's PinPath by the names the load would pin them as, maps libbpf pins by name itself (libbpf
/// reuses those; here they are only checked), and the maps of the programs BpfLoadOptions.ReuseMapsOf names.
/// Every taken map must agree with the new build (type, key and value sizes, max_entries, flags as libbpf checks,
/// and the key's and value's BTF layout where both have BTF); the first that does not is refused, naming the map and
/// the field, before anything is loaded or pinned. Data sections (.rodata, .bss, ...) are always the new build's.
/// </summary>
internal static class MapReuse
{
    private const int KernelNameLength = 15; // BPF_OBJ_NAME_LEN less its NUL

    /// <summary>A map that exists, found for one of the object's maps.</summary>
    private sealed record Found(SafeFdHandle Fd, BpfMapInfo Info, string Source, string? Pin, bool LibbpfReuses);

    /// <summary>
    /// Checks and hands the found maps to the opened object; returns the pins under pinPath it reused (map name to
    /// path), which the load neither plans nor ever removes: they belong to the load that made them.
    /// </summary>
    internal static Dictionary<string, string> Apply(SafeBpfObjectHandle handle, List<NativeProgram> programs,
        List<NativeMap> maps, string? pinPath, IReadOnlyCollection<uint>? reuseMapsOf, string path)
    {
        var found = new Dictionary<string, Found>(StringComparer.Ordinal);
        try
        {
            Dictionary<string, (SafeFdHandle Fd, BpfMapInfo Info, string Source)> ofPrograms =
                MapsOfPrograms(reuseMapsOf, programs);
            try
            {
                foreach (NativeMap m in maps.Where(m => !m.IsInternal))
                    if (Find(m, pinPath, ofPrograms) is Found f)
                        found[m.Name] = f;
            }
            finally
            {
                foreach (var (fd, _, _) in ofPrograms.Values.Where(v => !found.Values.Any(f => f.Fd == v.Fd)))
                    fd.Dispose();
            }
            if (found.Count == 0)
                return new Dictionary<string, string>();
            BtfTypeTable? btf = ObjectBtf(handle);
            foreach (NativeMap m in maps.Where(m => found.ContainsKey(m.Name)))
                Require(m, found[m.Name], btf, path);
            foreach (NativeMap m in maps.Where(m => found.ContainsKey(m.Name) && !found[m.Name].LibbpfReuses))
                m.ReuseFd(found[m.Name].Fd).OrThrow("hand an existing map to", m.Name);
            return found.Where(f => f.Value.Pin is not null && !f.Value.LibbpfReuses)
                .ToDictionary(f => f.Key, f => f.Value.Pin!);
        }
        finally
        {
            foreach (Found f in found.Values)
                f.Fd.Dispose();
        }
    }

    private static Found? Find(NativeMap m, string? pinPath,
        Dictionary<string, (SafeFdHandle Fd, BpfMapInfo Info, string Source)> ofPrograms)
    {
        // A map pinned by name that is not there yet (a built-in's new private folder) is created by libbpf unless
        // handed the replaced program's map, which libbpf then pins in the new place.
        if (m.PinPath is string byName)
            return Pinned(byName, libbpfReuses: true) ?? FromPrograms(m, ofPrograms);
        if (pinPath is not null && Pinned(Path.Combine(pinPath, m.Name.Replace('.', '_')), false) is Found pinned)
            return pinned;
        return FromPrograms(m, ofPrograms);
    }

    private static Found? FromPrograms(NativeMap m,
        Dictionary<string, (SafeFdHandle Fd, BpfMapInfo Info, string Source)> ofPrograms) =>
        ofPrograms.TryGetValue(KernelName(m.Name), out var held)
            ? new Found(held.Fd, held.Info, held.Source, null, false) : null;

    /// <summary>The map pinned at pin; null when nothing is, or something else (the pin plan refuses that).</summary>
    private static Found? Pinned(string pin, bool libbpfReuses)
    {
        if (!File.Exists(pin))
            return null;
        Result<SafeFdHandle> opened = BpfSystem.Current.OpenPinned(pin);
        if (!opened.Ok)
            return null;
        SafeFdHandle fd = opened.Value;
        if (BpfSystem.Current.ObjectKindOf(fd) is not { Ok: true, Value: Libbpf.ObjectKind.Map })
        {
            fd.Dispose();
            return null;
        }
        try
        {
            return new Found(fd, KernelInventory.DescribeMap(fd), $"the map pinned at '{pin}'", pin, libbpfReuses);
        }
        catch { fd.Dispose(); throw; }
    }

    /// <summary>
    /// The maps of the programs named, by kernel name. A program whose name is none of this object's is passed over:
    /// it is another program that happens to run where this one goes, not a build of this one.
    /// </summary>
    private static Dictionary<string, (SafeFdHandle Fd, BpfMapInfo Info, string Source)> MapsOfPrograms(
        IReadOnlyCollection<uint>? ids, List<NativeProgram> programs)
    {
        var maps = new Dictionary<string, (SafeFdHandle, BpfMapInfo, string)>(StringComparer.Ordinal);
        if (ids is null || ids.Count == 0)
            return maps;
        var names = programs.Select(p => KernelName(p.Name)).ToHashSet(StringComparer.Ordinal);
        try
        {
            foreach (uint id in ids.Distinct())
            {
                BpfProgramInfo? program = ProgramIfLoaded(id);
                if (program is null || !names.Contains(KernelName(program.Name)))
                    continue;
                foreach (uint mapId in program.MapIds)
                {
                    Result<SafeFdHandle> opened = BpfSystem.Current.FdById(Libbpf.ObjectKind.Map, mapId);
                    if (!opened.Ok)
                        continue; // freed meanwhile: nothing to take over
                    BpfMapInfo info;
                    try { info = KernelInventory.DescribeMap(opened.Value); }
                    catch { opened.Value.Dispose(); throw; }
                    if (maps.ContainsKey(info.Name))
                        opened.Value.Dispose();
                    else
                        maps[info.Name] = (opened.Value, info, $"map id {mapId} of program '{program.Name}' (id {id})");
                }
            }
            return maps;
        }
        catch
        {
            foreach (var (fd, _, _) in maps.Values)
                fd.Dispose();
            throw;
        }
    }

    private static BpfProgramInfo? ProgramIfLoaded(uint id)
    {
        Result<SafeFdHandle> opened = BpfSystem.Current.FdById(Libbpf.ObjectKind.Program, id);
        if (!opened.Ok)
            return null; // gone since it was seen: there is nothing left to take over
        using SafeFdHandle fd = opened.Value;
        return KernelInventory.DescribeProgram(fd);
    }

    /// <summary>Refuses a map that cannot take over the one found, naming the first thing that differs.</summary>
    private static void Require(NativeMap m, Found f, BtfTypeTable? btf, string path)
    {
        // The layout first: where both builds have BTF, a size that differs is a field that differs, and the field
        // is what the operator needs to hear about.
        string? difference = TypeDiffers(m, f.Info) ?? LayoutDiffers(m, f.Info, btf) ?? SizesDiffer(m, f.Info);
        if (difference is null)
            return;
        throw new BpfException(ErrorId.MapLayoutMismatch,
            $"Map '{m.Name}' of '{path}' cannot take over {f.Source}: {difference}. Nothing was loaded or changed.",
            m.Name, recommendedAction: "Keep the map's type and layout in the new build, or load it with another " +
                "-PinPath (new, empty maps) and remove the old program and its pins when the new one runs.");
    }

    private static string? TypeDiffers(NativeMap m, BpfMapInfo old)
    {
        string was = Libbpf.TypeName((Interop.Kernel.BpfMapType)old.TypeId), now = Libbpf.TypeName(m.MapType);
        return was == now ? null : $"{m.Name} is a {was} map, the new build's a {now} map";
    }

    private static string? SizesDiffer(NativeMap m, BpfMapInfo old)
    {
        if (old.KeySize != m.KeySize)
            return $"{m.Name} key: {old.KeySize} bytes, the new build's {m.KeySize}";
        if (old.ValueSize != m.ValueSize)
            return $"{m.Name} value: {old.ValueSize} bytes, the new build's {m.ValueSize}";
        if (old.MaxEntries != m.MaxEntries)
            return $"{m.Name} max_entries: {old.MaxEntries}, the new build's {m.MaxEntries}";
        if (old.Flags != m.Flags)
            return $"{m.Name} flags: 0x{old.Flags:x}, the new build's 0x{m.Flags:x}";
        return null;
    }

    private static string? LayoutDiffers(NativeMap m, BpfMapInfo old, BtfTypeTable? btf)
    {
        if (btf is null || old.BtfId == 0 || BtfTypeTable.TryLoad(old.BtfId) is not BtfTypeTable oldBtf)
            return null; // one side says nothing about its layout: the sizes above are all there is to compare
        string? Side(uint oldId, uint newId, string what) => oldId == 0 || newId == 0 ? null
            : MapLayout.FirstDifference(oldBtf.Type(oldId), btf.Type(newId), $"{m.Name} {what}");
        return Side(old.BtfKeyTypeId, m.BtfKeyTypeId, "key") ?? Side(old.BtfValueTypeId, m.BtfValueTypeId, "value");
    }

    private static BtfTypeTable? ObjectBtf(SafeBpfObjectHandle handle)
    {
        byte[] raw = Libbpf.ObjectBtf(handle);
        return raw.Length == 0 ? null : BtfTypeTable.Parse(raw);
    }

    private static string KernelName(string name) => name.Length > KernelNameLength ? name[..KernelNameLength] : name;
}
