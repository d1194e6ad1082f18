using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine;
using EbpfPs.Engine.Btf;

namespace EbpfPs.Commands;

/// <summary>
/// The BTF types of an object file, a pinned or loaded map or program, or a BTF object by id, as objects
/// (bpftool btf dump).
/// </summary>
[Cmdlet(VerbsCommon.Get, "BpfBtfType", DefaultParameterSetName = BtfIdSet)]
[OutputType(typeof(BpfBtfType))]
public sealed class GetBpfBtfTypeCommand : EbpfCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath", BtfIdSet = "BtfId", MapSet = "Map";

    /// <summary>An object file, a raw BTF file, or a pinned map or program on bpffs; wildcards are allowed.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>A BTF object's id; binds BtfId of piped Get-BpfProgram and Get-BpfMap output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BtfIdSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(KernelBtfIdCompleter))]
    public uint[] BtfId { get; set; } = null!;

    /// <summary>A map (from Get-BpfMap or Import-BpfObject): its key and value types.</summary>
    [Parameter(Mandatory = true, ParameterSetName = MapSet)]
    [MapTransformation]
    public MapReference Map { get; set; } = null!;

    /// <summary>With an object from Import-BpfObject as -Map: which of its maps.</summary>
    [Parameter(ParameterSetName = MapSet)]
    [ArgumentCompleter(typeof(KernelMapNameCompleter))]
    public string? MapName { get; set; }

    /// <summary>Type names to return; wildcards are allowed.</summary>
    [Parameter]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(BtfTypeNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>Kinds to return, as BTF spells them (STRUCT, ENUM, TYPEDEF, ...).</summary>
    [Parameter]
    [ValidateSet("INT", "PTR", "ARRAY", "STRUCT", "UNION", "ENUM", "FWD", "TYPEDEF", "VOLATILE", "CONST", "RESTRICT",
        "FUNC", "FUNC_PROTO", "VAR", "DATASEC", "FLOAT", "DECL_TAG", "TYPE_TAG", "ENUM64", IgnoreCase = true)]
    public string[]? Kind { get; set; }

    /// <summary>Type ids to return.</summary>
    [Parameter]
    public uint[]? TypeId { get; set; }

    /// <summary>
    /// An object file or raw BTF file is read without bpf(); for a pin among the paths the kernel's own refusal
    /// answers (PermissionDenied) instead of a check before it.
    /// </summary>
    protected override Privilege Needs => ParameterSetName is PathSet or LiteralPathSet ? Privilege.None
        : Privilege.Bpf;

    protected override void ProcessRecord()
    {
        var names = Wildcards.Of(Name);
        var filter = new BtfTypeFilter(names is null ? null : n => Wildcards.Match(names, n), Kind, TypeId);
        switch (ParameterSetName)
        {
            case BtfIdSet:
                foreach (uint id in BtfId)
                    Run(() => WriteObject(BtfTypes.FromKernel(id, filter), enumerateCollection: true), id);
                break;
            case MapSet:
                Run(() =>
                {
                    using var map = Map.Open(MapName);
                    WriteObject(BtfTypes.OfMap(map.Info, filter), enumerateCollection: true);
                }, Map.Label);
                break;
            default:
                foreach (string path in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
                    ParameterSetName == LiteralPathSet))
                    Run(() => WriteObject(BtfTypes.FromPath(path, filter), enumerateCollection: true), path);
                break;
        }
    }
}
