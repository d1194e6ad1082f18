using System;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;

namespace EbpfPs;

/// <summary>
/// A map as the pipeline hands it over: from Get-BpfMap (by id), a map of Import-BpfObject's result, or
/// the object itself, which needs the map's name to say which of its maps.
/// </summary>
public sealed class MapReference
{
    private readonly Func<string?, bool, BpfMap> _open;
    private readonly Func<string?, BpfMapInfo> _describe;

    private MapReference(string label, Func<string?, bool, BpfMap> open, Func<string?, BpfMapInfo> describe)
    {
        Label = label;
        _open = open;
        _describe = describe;
    }

    public string Label { get; }

    public static MapReference Info(BpfMapInfo info) =>
        new(info.Name, (_, net) => BpfMap.OpenById(info.Id, net), _ => info);
    public static MapReference Loaded(BpfLoadedMap map) =>
        new(map.Name, (_, net) => BpfMap.FromLoaded(map, net), _ => map.Info);

    public static MapReference Object(BpfObject obj) => new(obj.Name,
        (mapName, net) => BpfMap.FromLoaded(Pick(obj, mapName), net), mapName => Pick(obj, mapName).Info);

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

    public override string ToString() => Label;
}
