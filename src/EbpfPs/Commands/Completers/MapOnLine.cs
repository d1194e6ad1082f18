using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using EbpfPs.Engine;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// The map a command line being completed names: by -Id, -Name, -LiteralPath or -Path, by -InputObject (with
/// -MapName), or piped in from a variable or from Get-BpfMap -Id/-Name. Completion runs nothing else of the
/// line: a command before the pipe that is not a listing could load or change something.
/// </summary>
internal sealed class MapOnLine
{
    private readonly uint? _id;
    private readonly string? _name, _path, _mapName;
    private readonly MapReference? _reference;

    private MapOnLine(uint? id = null, string? name = null, string? path = null, MapReference? reference = null,
        string? mapName = null) => (_id, _name, _path, _reference, _mapName) = (id, name, path, reference, mapName);

    /// <summary>The map opened with its codecs (for its fields), or null when the line names none.</summary>
    public static BpfMap? Open(IDictionary bound, CommandAst? ast) => Find(bound, ast)?.Open();

    /// <summary>What the kernel says of the map (event maps open only as readers), or null.</summary>
    public static BpfMapInfo? Describe(IDictionary bound, CommandAst? ast) => Find(bound, ast)?.Describe();

    private BpfMap Open() =>
        _reference is not null ? _reference.Open(_mapName)
        : _path is not null ? BpfMap.OpenPinned(_path)
        : BpfMap.OpenById(_id ?? Describe().Id);

    private BpfMapInfo Describe()
    {
        if (_reference is not null)
            return _reference.Describe(_mapName);
        if (_path is not null)
            return KernelInventory.MapByPath(_path);
        if (_id is uint id)
            return KernelInventory.MapById(id)!;
        // Completion offers nothing rather than guess between maps of one name.
        return KernelInventory.Maps().Where(m => m.Name == _name).ToList() is [BpfMapInfo one] ? one
            : throw new System.InvalidOperationException($"no single map named '{_name}'");
    }

    private static MapOnLine? Find(IDictionary bound, CommandAst? ast)
    {
        if (!NativeRuntime.LibbpfPresent)
            return null;
        string? mapName = CompleterBase.Bound(bound, "MapName").FirstOrDefault();
        if (CompleterBase.Bound(bound, "Id") is [string id] && uint.TryParse(id, out uint n))
            return new MapOnLine(id: n);
        if (CompleterBase.Bound(bound, "Name") is [string name])
            return new MapOnLine(name: name);
        if (CompleterBase.Bound(bound, "LiteralPath") is [string literal])
            return new MapOnLine(path: literal);
        if (CompleterBase.Bound(bound, "Path") is [string path] && !path.Contains('*') && !path.Contains('?'))
            return new MapOnLine(path: path);
        object? input = bound.Contains("InputObject") ? bound["InputObject"] : null;
        input ??= PipedVariable(ast);
        if (input is not null)
            return Reference(input) is MapReference r ? new MapOnLine(reference: r, mapName: mapName) : null;
        return PipedListing(ast);
    }

    /// <summary>A map or program (the transformation's shapes), or null for anything else.</summary>
    internal static MapReference? Reference(object value)
    {
        value = value is PSObject p ? p.BaseObject : value;
        if (value is object[] { Length: 1 } one)
            value = one[0] is PSObject q ? q.BaseObject : one[0];
        try
        {
            return new MapTransformationAttribute().Transform(null!, value) as MapReference;
        }
        catch (ArgumentTransformationMetadataException)
        {
            return null;
        }
    }

    /// <summary>The element before this command in its pipeline, if any.</summary>
    private static CommandBaseAst? Before(CommandAst? ast)
    {
        if (ast?.Parent is not PipelineAst pipeline)
            return null;
        int at = pipeline.PipelineElements.IndexOf(ast);
        return at > 0 ? pipeline.PipelineElements[at - 1] : null;
    }

    /// <summary>
    /// The value of `$map | ...`: a variable is read, never an expression evaluated. A script block runs in a
    /// scope below the one completing, so it sees the caller's variables (a script's, not only the global ones),
    /// where a nested PowerShell would not.
    /// </summary>
    private static object? PipedVariable(CommandAst? ast)
    {
        if (Before(ast) is not CommandExpressionAst { Expression: VariableExpressionAst variable })
            return null;
        var values = ReadVariable.Invoke(variable.VariablePath.UserPath);
        return values.Count == 1 ? values[0] : null;
    }

    private static readonly ScriptBlock ReadVariable = ScriptBlock.Create(
        "param($name) Microsoft.PowerShell.Utility\\Get-Variable -Name $name -ValueOnly -ErrorAction Ignore");

    /// <summary>The map of `Get-BpfMap -Id 7 | ...` or `Get-BpfMap -Name stats | ...`, given as constants.</summary>
    private static MapOnLine? PipedListing(CommandAst? ast)
    {
        if (Before(ast) is not CommandAst before
            || !string.Equals(before.GetCommandName(), "Get-BpfMap", System.StringComparison.OrdinalIgnoreCase))
            return null;
        var bound = StaticParameterBinder.BindCommand(before, resolve: false).BoundParameters;
        string? Constant(string name) =>
            bound.TryGetValue(name, out ParameterBindingResult? r) ? r.ConstantValue?.ToString() : null;
        if (Constant("Id") is string id && uint.TryParse(id, out uint n))
            return new MapOnLine(id: n);
        return Constant("Name") is string name ? new MapOnLine(name: name) : null;
    }
}
