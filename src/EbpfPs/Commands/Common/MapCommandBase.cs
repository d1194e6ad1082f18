using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// What the map-entry cmdlets share: finding the map by -Id, -Name, -Path/-LiteralPath or from the
/// pipeline (Get-BpfMap or Import-BpfObject output, or a program or attachment with -MapName), opening it with
/// its BTF codecs.
/// </summary>
public abstract class MapCommandBase : EbpfCmdlet
{
    protected const string IdSet = "Id", NameSet = "Name", PathSet = "Path", LiteralPathSet = "LiteralPath",
        InputSet = "InputObject";

    [Parameter(Mandatory = true, ParameterSetName = IdSet)]
    [ArgumentCompleter(typeof(KernelMapIdCompleter))]
    public uint Id { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = NameSet)]
    [ArgumentCompleter(typeof(KernelMapNameCompleter))]
    public string Name { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    public string LiteralPath { get; set; } = null!;

    /// <summary>
    /// A map from Get-BpfMap, a map of an Import-BpfObject result, or with -MapName the object itself or a program
    /// (an attachment, link, or a program from Get-BpfProgram or Import-BpfObject) whose maps to choose from.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    [MapTransformation]
    public MapReference InputObject { get; set; } = null!;

    /// <summary>With an object from Import-BpfObject, a program or an attachment: which of its maps.</summary>
    [Parameter(ParameterSetName = InputSet)]
    [ArgumentCompleter(typeof(KernelMapNameCompleter))]
    public string? MapName { get; set; }

    /// <summary>Show addresses and MACs as numbers and byte arrays instead of 198.18.0.1 and 02:00:..:01.</summary>
    [Parameter]
    public SwitchParameter NoNetworkFormat { get; set; }

    /// <summary>
    /// A pinned map may be readable without capabilities (its file mode says); the kernel answers for those.
    /// </summary>
    protected override Privilege Needs => ParameterSetName is PathSet or LiteralPathSet ? Privilege.None
        : Privilege.Bpf;

    protected IEnumerable<BpfMap> OpenMaps()
    {
        bool net = !NoNetworkFormat;
        switch (ParameterSetName)
        {
            case IdSet:
                yield return BpfMap.OpenById(Id, net);
                break;
            case NameSet:
                yield return BpfMap.OpenByName(Name, net);
                break;
            case PathSet:
            case LiteralPathSet:
                foreach (string path in ResolvePaths(new[] { ParameterSetName == PathSet ? Path : LiteralPath },
                    ParameterSetName == LiteralPathSet))
                    yield return BpfMap.OpenPinned(path, net);
                break;
            default:
                yield return InputObject.Open(MapName, net);
                break;
        }
    }
}
