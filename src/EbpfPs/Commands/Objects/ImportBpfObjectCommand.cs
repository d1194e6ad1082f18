using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>Loads a BPF object file (or one of the module's own programs) into the kernel.</summary>
[Cmdlet(VerbsData.Import, "BpfObject", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(BpfObject))]
public sealed class ImportBpfObjectCommand : EbpfCmdlet
{
    private const string PathSet = "Path", LiteralPathSet = "LiteralPath", BuiltinSet = "Builtin";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet, ValueFromPipeline = true,
        ValueFromPipelineByPropertyName = true)]
    public string[] Path { get; set; } = null!;

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP")]
    public string[] LiteralPath { get; set; } = null!;

    /// <summary>A program shipped with the module, e.g. drop or router.</summary>
    [Parameter(Mandatory = true, ParameterSetName = BuiltinSet)]
    [ArgumentCompleter(typeof(BuiltinProgramCompleter))]
    public string Program { get; set; } = null!;

    /// <summary>Which build of a built-in program to load; for files, forces the program type.</summary>
    [Parameter(ParameterSetName = BuiltinSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public BpfHookKind Hook { get => _hook ?? BpfHookKind.Xdp; set => _hook = value; }

    // Not Nullable<T>, which help would print as Nullable`1: unset is told apart by the field instead.
    private BpfHookKind? _hook;

    /// <summary>A bpffs folder to pin the object's programs and maps under, so they outlive the session.</summary>
    [Parameter]
    public string? PinPath { get; set; }

    /// <summary>Global variables to set before load: @{ name = value }, typed by the object's BTF.</summary>
    [Parameter]
    public Hashtable? Variable { get; set; }

    /// <summary>Maps to resize before load: @{ map = entries }.</summary>
    [Parameter]
    public Hashtable? MaxEntries { get; set; }

    protected override void ProcessRecord()
    {
        string? pin = PinPath is null ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(PinPath);
        if (ParameterSetName == BuiltinSet)
        {
            BpfHookKind hook = Hook;
            Run(() => Load(BuiltinObjects.Resolve(Program, hook), pin, null, builtin: true), Program);
            return;
        }
        foreach (string file in ResolvePaths(ParameterSetName == PathSet ? Path : LiteralPath,
            ParameterSetName == LiteralPathSet))
            Run(() => Load(file, pin, _hook, builtin: false), file);
    }

    private static Dictionary<string, object?>? Named(Hashtable? table, string parameter)
    {
        if (table is null)
            return null;
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
            named[e.Key.ToString()!] = PlainValue.From(e.Value, $"{parameter} {e.Key}");
        return named;
    }

    private void Load(string file, string? pin, BpfHookKind? type, bool builtin)
    {
        string action = pin is null ? "Load BPF object into the kernel" : $"Load BPF object and pin it under {pin}";
        // A built-in's maps pinned by name go to its private folder, not the bpffs root other sessions share.
        if (!ShouldProcess(file, action))
            return;
        BpfObject loaded = BpfObjectLoader.Load(file, new BpfLoadOptions
        {
            PinPath = pin, ProgramType = type, PrivateMapPins = builtin, Variables = Named(Variable, "-Variable"),
            MaxEntries = Named(MaxEntries, "-MaxEntries"),
        });
        WriteVerbose(ActionMessages.Loaded(loaded, file));
        WriteObject(loaded);
    }
}
