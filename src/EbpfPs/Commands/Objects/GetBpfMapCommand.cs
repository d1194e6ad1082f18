using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>
/// Lists the BPF maps the kernel holds, the maps of a program or attachment, or opens pinned ones (bpftool map
/// show); each with the path it is pinned at.
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfMap", DefaultParameterSetName = AllSet)]
[OutputType(typeof(BpfMapInfo))]
public sealed class GetBpfMapCommand : EbpfCmdlet
{
    private const string AllSet = "All", IdSet = "Id", PathSet = "Path", LiteralPathSet = "LiteralPath",
        InputSet = "InputObject", ProgramIdSet = "ProgramId";

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelMapIdCompleter))]
    public uint[] Id { get; set; } = null!;

    [Parameter(Position = 0, ParameterSetName = AllSet)]
    [Parameter(Position = 0, ParameterSetName = InputSet)]
    [Parameter(Position = 0, ParameterSetName = ProgramIdSet)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(KernelMapNameCompleter))]
    public string[]? Name { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "PinnedPath")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>
    /// What to list the maps of: an attachment from Add/Get-XdpProgram or Add/Get-TcProgram, a program from
    /// Get-BpfProgram or of Import-BpfObject's result, the object itself, or a map (from Get-BpfMap or an object).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    [MapTransformation(PassOthers = true)]
    public MapReference InputObject { get; set; } = null!;

    /// <summary>The ids of programs whose maps to list.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ProgramIdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelProgramIdCompleter))]
    public uint[] ProgramId { get; set; } = null!;

    /// <summary>A pinned map may be readable without capabilities (its file mode says); the kernel answers.</summary>
    protected override Privilege Needs => ParameterSetName is PathSet or LiteralPathSet ? Privilege.None
        : Privilege.Bpf;

    protected override void ProcessRecord()
    {
        var pins = new MapPins();
        switch (ParameterSetName)
        {
            case IdSet:
                foreach (uint id in Id)
                    WriteEach(() => new[] { pins.Fill(KernelInventory.MapById(id)!) }, id);
                break;
            case InputSet:
                WriteEach(() => pins.Fill(Named(InputObject.List())), InputObject.Label);
                break;
            case ProgramIdSet:
                foreach (uint id in ProgramId)
                    WriteEach(() => pins.Fill(Named(ProgramMaps.Kernel(id).List())), id);
                break;
            case PathSet:
            case LiteralPathSet:
                foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
                    ParameterSetName == LiteralPathSet))
                    Run(() => WriteCounted(KernelInventory.MapByPath(path)), path);
                break;
            default:
                WriteEach(() => pins.Fill(Named(KernelInventory.Maps())));
                break;
        }
    }

    private IEnumerable<BpfMapInfo> Named(IEnumerable<BpfMapInfo> maps)
    {
        var names = Wildcards.Of(Name);
        return maps.Where(m => Wildcards.Match(names, m.Name));
    }

    protected override string? Summary => $"Read {ActionMessages.Count(Written, "map")} from the kernel.";
}
