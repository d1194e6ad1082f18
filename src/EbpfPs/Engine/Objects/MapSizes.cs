using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Resizes an opened object's maps before load (bpf_map__set_max_entries), e.g. a flow table sized for the host
/// instead of what the object file was compiled with.
/// </summary>
internal static class MapSizes
{
    internal static void Apply(SafeBpfObjectHandle obj, IReadOnlyDictionary<string, object?> sizes, string path)
    {
        if (sizes.Count == 0)
            return;
        List<NativeMap> maps = Libbpf.Maps(obj);
        foreach ((string name, object? size) in sizes)
        {
            NativeMap map = maps.FirstOrDefault(m => m.Name == name);
            if (!maps.Any(m => m.Name == name))
                throw new BpfException(ErrorId.BpfMapNotInObject,
                    $"'{path}' has no map named '{name}' to resize. It has: " +
                    $"{string.Join(", ", maps.Select(m => m.Name))}.", name);
            map.SetMaxEntries(Parse(name, size)).OrThrow("set max_entries of map", name);
        }
    }

    private static uint Parse(string name, object? size)
    {
        string text = Convert.ToString(size, CultureInfo.InvariantCulture) ?? "";
        return uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint n) && n > 0
            ? n
            : throw new BpfException(ErrorId.InvalidMaxEntries,
                $"-MaxEntries for map '{name}' must be a whole number from 1 to {uint.MaxValue}, not '{text}'.", name);
    }
}
