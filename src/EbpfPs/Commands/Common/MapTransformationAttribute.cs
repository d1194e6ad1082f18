using System;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Lets the map cmdlets take a map from Get-BpfMap, a map of Import-BpfObject's result, or the object itself.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MapTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject p ? p.BaseObject : inputData) switch
        {
            MapReference r => r,
            BpfLoadedMap loaded => MapReference.Loaded(loaded),
            BpfMapInfo info => MapReference.Info(info),
            BpfObject obj => MapReference.Object(obj),
            var other => throw new ArgumentTransformationMetadataException(
                $"Expected a map from Get-BpfMap or Import-BpfObject, not {other?.GetType().Name ?? "null"}."),
        };
}
