using System;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Lets the map cmdlets take a map from Get-BpfMap, a map of Import-BpfObject's result, the object itself, or a
/// program whose maps -MapName chooses from: an attachment or link, a program from Get-BpfProgram or Import-BpfObject.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MapTransformationAttribute : ArgumentTransformationAttribute
{
    /// <summary>
    /// Leave what is not a map or program as it is, rather than refuse it: the binder then offers it to the
    /// parameters that take it by property name (an Id), where a refusal here would end the binding.
    /// </summary>
    public bool PassOthers { get; set; }

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject p ? p.BaseObject : inputData) switch
        {
            MapReference r => r,
            BpfLoadedMap loaded => MapReference.Loaded(loaded),
            BpfMapInfo info => MapReference.Info(info),
            BpfObject obj => MapReference.Object(obj),
            ProgramMaps maps => MapReference.Program(maps),
            BpfLoadedProgram loaded => MapReference.Program(ProgramMaps.Loaded(loaded)),
            BpfProgramInfo info => MapReference.Program(ProgramMaps.Kernel(info.Id, info.Name)),
            BpfLinkInfo link => MapReference.Program(ProgramMaps.Kernel(link.ProgramId, link.ProgramName)),
            IHookAttachment attached =>
                MapReference.Program(ProgramMaps.Kernel(attached.ProgramId, attached.ProgramName)),
            _ when PassOthers => inputData,
            var other => throw new ArgumentTransformationMetadataException(
                "Expected a map from Get-BpfMap or Import-BpfObject, or a program or attachment with -MapName, not " +
                    $"{other?.GetType().Name ?? "null"}."),
        };
}
