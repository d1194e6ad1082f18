using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// Where maps are pinned. The kernel does not say, so bpffs is walked as bpftool does for its "pinned" list: once,
/// when the first map is filled in, and what it found serves every map after (one listing, one walk).
/// </summary>
public sealed class MapPins
{
    private Dictionary<uint, string>? _byId;

    /// <summary>
    /// The map with PinnedPath filled in from bpffs where it is empty; a map pinned more than once gets its first
    /// pin in ordinal order.
    /// </summary>
    public BpfMapInfo Fill(BpfMapInfo map)
    {
        if (map.PinnedPath is not null)
            return map;
        _byId ??= ById();
        return _byId.TryGetValue(map.Id, out string? path) ? map with { PinnedPath = path } : map;
    }

    public IEnumerable<BpfMapInfo> Fill(IEnumerable<BpfMapInfo> maps) => maps.Select(Fill);

    /// <summary>The first pin (ordinal order) of every pinned map under the default bpffs mount, by map id.</summary>
    private static Dictionary<uint, string> ById() => PinnedObjects.Walk()
        .Where(p => p.Kind == Libbpf.ObjectKind.Map)
        .GroupBy(p => p.Id)
        .ToDictionary(g => g.Key, g => g.Select(p => p.Path).OrderBy(p => p, StringComparer.Ordinal).First());
}
