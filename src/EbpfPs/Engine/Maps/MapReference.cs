using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps;

namespace EbpfPs;

/// <summary>
/// A map as the pipeline hands it over: from Get-BpfMap (by id), a map of Import-BpfObject's result, or
/// the object itself or a program (loaded, listed or attached), which need the map's name to say which.
/// </summary>
public sealed class MapReference
{
    private readonly Func<string?, bool, BpfMap> _open;
    private readonly Func<string?, BpfMapInfo> _describe;
    private readonly Func<IEnumerable<BpfMapInfo>> _list;

    private MapReference(string label, Func<string?, bool, BpfMap> open, Func<string?, BpfMapInfo> describe,
        Func<IEnumerable<BpfMapInfo>> list)
    {
        Label = label;
        _open = open;
        _describe = describe;
        _list = list;
    }

    public string Label { get; }

    public static MapReference Info(BpfMapInfo info) =>
        new(info.Name, (_, net) => BpfMap.OpenById(info.Id, net), _ => info, () => Now(new[] { info.Id }));
    public static MapReference Loaded(BpfLoadedMap map) =>
        new(map.Name, (_, net) => BpfMap.FromLoaded(map, net), _ => map.Info, () => Now(new[] { map.Id }));

    public static MapReference Object(BpfObject obj) => new(obj.Name,
        (mapName, net) => BpfMap.FromLoaded(Pick(obj, mapName), net), mapName => Pick(obj, mapName).Info,
        () => Now(obj.Maps.Select(m => m.Id)));

    /// <summary>The maps of a program (attached, listed or loaded), of which -MapName picks one.</summary>
    public static MapReference Program(ProgramMaps maps) =>
        new(maps.Label, (mapName, net) => Open(maps.Choose(mapName), net), maps.Describe, maps.List);

    // What the kernel says about the maps now (their entries and pins may have changed since they were listed).
    private static IEnumerable<BpfMapInfo> Now(IEnumerable<uint> ids) =>
        ids.Select(id => KernelInventory.MapById(id)!);

    // A loaded program's map is opened through its object's fd, as the object's own maps are.
    private static BpfMap Open(ProgramMaps.Member map, bool net) =>
        map.Loaded is BpfLoadedMap loaded ? BpfMap.FromLoaded(loaded, net) : BpfMap.OpenById(map.Info.Id, net);

    private static BpfLoadedMap Pick(BpfObject obj, string? mapName) => mapName is not null
        ? obj.GetMap(mapName)
        : throw new BpfException(ErrorId.MapNameRequired,
            $"Object '{obj.Name}' has maps {string.Join(", ", obj.Maps.Select(m => m.Name))}; say which with " +
                "-MapName.", obj.Name);

    /// <summary>Opens the map with its codecs; mapName picks a map of an object.</summary>
    public BpfMap Open(string? mapName, bool networkFormat = true) => _open(mapName, networkFormat);

    /// <summary>
    /// What the kernel said about the map when it was listed or loaded (its id, for consumers that open it
    /// themselves, such as event readers); mapName picks a map of an object.
    /// </summary>
    public BpfMapInfo Describe(string? mapName) => _describe(mapName);

    /// <summary>
    /// Every map this reference stands for, as the kernel describes it: the map, an object's maps, or the maps a
    /// program uses.
    /// </summary>
    public IEnumerable<BpfMapInfo> List() => _list();

    public override string ToString() => Label;
}
