using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Gives an opened object's maps the maps of programs already loaded (bpf_map__reuse_fd), matched by name, so a
/// second load of an object runs on the first load's maps: desired state repairing one hook of a two-hook object
/// loads that hook's program again without splitting the counters and lists the other hook still uses.
/// </summary>
internal static class SharedMaps
{
    internal static void Apply(SafeBpfObjectHandle obj, IReadOnlyList<uint> programIds, string path)
    {
        if (programIds.Count == 0)
            return;
        List<NativeMap> maps = Libbpf.Maps(obj);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (uint programId in programIds)
        {
            BpfProgramInfo program = KernelInventory.ProgramById(programId)!;
            foreach (uint mapId in program.MapIds)
            {
                using SafeFdHandle? fd = KernelInventory.OpenById(Libbpf.ObjectKind.Map, mapId);
                if (fd is null)
                    continue; // gone since the program was read: nothing to share
                BpfMapInfo live = KernelInventory.DescribeMap(fd);
                // The kernel keeps 15 characters of a name; the first program that has a map decides it.
                NativeMap? own = maps.Cast<NativeMap?>().FirstOrDefault(m => KernelName(m!.Value.Name) == live.Name);
                if (own is not NativeMap map || !taken.Add(map.Name))
                    continue;
                Check(map, live, program, path);
                map.ReuseFd(fd).OrThrow($"share map {live.Id} ({live.Name}) with", path);
            }
        }
    }

    private static string KernelName(string name) => name.Length > 15 ? name[..15] : name;

    /// <summary>libbpf reuses any fd it is given: a map of another shape would fail later, or not at all.</summary>
    private static void Check(NativeMap map, BpfMapInfo live, BpfProgramInfo program, string path)
    {
        var want = map.Definition;
        if ((int)want.Type == live.TypeId && want.KeySize == live.KeySize && want.ValueSize == live.ValueSize
            && want.MaxEntries == live.MaxEntries)
            return;
        throw new BpfException(ErrorId.SharedMapMismatch,
            $"Map '{map.Name}' of '{path}' cannot share map {live.Id} of program {program.Name} (id {program.Id}): " +
            $"the object defines {want.Type} key {want.KeySize} value {want.ValueSize} max_entries " +
            $"{want.MaxEntries}, the kernel's map is {live.Type} key {live.KeySize} value {live.ValueSize} " +
            $"max_entries {live.MaxEntries}.", map.Name,
            recommendedAction: "Remove the program that holds the old map (Remove-BpfProgram), then load again.");
    }
}
