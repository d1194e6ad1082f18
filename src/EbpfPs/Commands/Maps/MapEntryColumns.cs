using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// How PowerShell sees the properties of a BpfMapEntry (registered as its type adapter in
/// formats/Export.Types.ps1xml): one column per key and value field for Export-Csv, ConvertTo-Csv and Format-List
/// (Key.saddr, Value.packets; nested struct fields dotted, arrays of structs indexed, other arrays joined; per-CPU
/// values one column per field with the CPUs' values joined), while $e.Key, $e.Value and $e.Key.saddr still give
/// the decoded objects.
/// </summary>
/// <remarks>
/// Why an adapter: Export-Csv takes its columns from the properties PowerShell lists for the first object, and reads
/// each by name. Note properties added in the cmdlet would leave Key and Value listed as "{src=... dst=...}" cells
/// (type data cannot hide a .NET property) and cost an allocation per field per entry for maps of millions of
/// entries; a hidden attribute would put PowerShell types into the engine. The adapter lists the flat columns only
/// when something asks for the list, answers Key and Value by name as themselves, and leaves the engine's class
/// plain. Remoting serializes the real properties (PropertySerializationSet in formats/Remoting.Types.ps1xml).
/// </remarks>
public sealed class MapEntryColumns : PSPropertyAdapter
{
    private static readonly string[] Plain = { "MapId", "Map", "Key", "Value", "PerCpu", "KeyHex", "ValueHex" };

    /// <summary>The view for entries with each CPU's value is picked by a type name of its own.</summary>
    public const string PerCpuTypeName = "EbpfPs.BpfMapEntry#PerCpu";

    /// <summary>So is the view of a per-CPU map's default read, whose header says the value is a sum.</summary>
    public const string CpuSumTypeName = "EbpfPs.BpfMapEntry#CpuSum";

    private static readonly Collection<string> Entry = new() { "EbpfPs.BpfMapEntry", "System.Object" };
    private static readonly Collection<string> PerCpuEntry = new() { PerCpuTypeName, Entry[0], Entry[1] };
    private static readonly Collection<string> CpuSumEntry = new() { CpuSumTypeName, Entry[0], Entry[1] };

    /// <summary>
    /// Per-CPU entries are named here rather than by inserting a type name into each one's PSObject: PowerShell
    /// keeps such names in a weak table keyed by the object, which made a million-entry read 3-4x slower (a GC
    /// handle per entry) and slowed property access on every BpfMapEntry of the session. PowerShell copies the list.
    /// </summary>
    public override Collection<string> GetTypeNameHierarchy(object baseObject) => baseObject switch
    {
        BpfMapEntry { PerCpu: not null } => PerCpuEntry,
        BpfMapEntry { SummedOverCpus: true } => CpuSumEntry,
        _ => Entry,
    };

    public override Collection<PSAdaptedProperty> GetProperties(object baseObject)
    {
        var e = (BpfMapEntry)baseObject;
        var columns = new Collection<PSAdaptedProperty>
        {
            new PSAdaptedProperty("MapId", null),
            new PSAdaptedProperty("Map", null),
        };
        if (JsonAsking.Now())
            return NestedColumns(columns, e);
        AddColumns(columns, "Key", e.Key);
        AddColumns(columns, "Value", e.Value);
        if (e.PerCpu is { Count: > 0 } cpus)
            foreach (string path in Paths("PerCpu", cpus[0]))
                columns.Add(new PSAdaptedProperty(path, path));
        if (e.KeyHex is not null)
            columns.Add(new PSAdaptedProperty("KeyHex", null));
        if (e.ValueHex is not null)
            columns.Add(new PSAdaptedProperty("ValueHex", null));
        return columns;
    }

    public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName)
    {
        foreach (string name in Plain)
            if (string.Equals(name, propertyName, StringComparison.OrdinalIgnoreCase))
                return new PSAdaptedProperty(name, null);
        // Export-Csv reads every cell by name: a column spelled as listed is found by following its path, not by
        // listing all columns again for each cell of each entry.
        if (IsLeafPath((BpfMapEntry)baseObject, propertyName))
            return new PSAdaptedProperty(propertyName, propertyName);
        foreach (PSAdaptedProperty column in GetProperties(baseObject))
            if (string.Equals(column.Name, propertyName, StringComparison.OrdinalIgnoreCase))
                return column;
        return null;
    }

    public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty)
    {
        var e = (BpfMapEntry)adaptedProperty.BaseObject;
        if (adaptedProperty.Tag is string path)
        {
            int dot = path.IndexOfAny(new[] { '.', '[' });
            string root = dot < 0 ? path : path[..dot];
            string rest = dot < 0 ? "" : path[dot..];
            if (root == "PerCpu")
                return e.PerCpu is null ? null : string.Join(" ", Cpus(e.PerCpu, rest));
            object? leaf = Walk(root == "Key" ? e.Key : e.Value, rest);
            // Numbers and words stay themselves (Sort-Object Value.packets sorts numbers); lists become text.
            return leaf is string or IFormattable ? leaf : ExportValues.Text(leaf);
        }
        return adaptedProperty.Name switch
        {
            "MapId" => e.MapId,
            "Map" => e.Map,
            "Key" => Listed(e.Key),
            "Value" => Listed(e.Value),
            "PerCpu" => ExportValues.List(e.PerCpu),
            "KeyHex" => e.KeyHex,
            "ValueHex" => e.ValueHex,
            _ => null,
        };
    }

    /// <summary>
    /// What ConvertTo-Json lists: the entry as it is (Key and Value nested), each field once. ConvertTo-Json writes
    /// the class's public properties and then every adapted one it has not written, so listing the flat columns
    /// to it would repeat each field; PerCpu and the hex texts only when there are some ([JsonIgnore] on the class
    /// keeps their nulls out).
    /// </summary>
    private static Collection<PSAdaptedProperty> NestedColumns(Collection<PSAdaptedProperty> columns, BpfMapEntry e)
    {
        columns.Add(new PSAdaptedProperty("Key", null));
        columns.Add(new PSAdaptedProperty("Value", null));
        if (e.PerCpu is not null)
            columns.Add(new PSAdaptedProperty("PerCpu", null));
        if (e.KeyHex is not null)
            columns.Add(new PSAdaptedProperty("KeyHex", null));
        if (e.ValueHex is not null)
            columns.Add(new PSAdaptedProperty("ValueHex", null));
        return columns;
    }

    /// <summary>
    /// Whether a name such as "Key.src" or "Value.corners[1].y" is one of the columns GetProperties lists.
    /// </summary>
    private static bool IsLeafPath(BpfMapEntry e, string path)
    {
        int dot = path.IndexOfAny(new[] { '.', '[' });
        if (dot <= 0)
            return false;
        object? start = path[..dot] switch
        {
            "Key" => e.Key,
            "Value" => e.Value,
            "PerCpu" => e.PerCpu is { Count: > 0 } cpus ? cpus[0] : null,
            _ => null,
        };
        if (start is not IDictionary and not IList || start is byte[])
            return false;
        object? leaf = Walk(start, path[dot..]);
        return leaf is not null and not IDictionary && !(leaf is IList list && leaf is not byte[] && HasStruct(list));
    }

    /// <summary>An array (not bytes) as an EbpfPs.List, so its cell is the items, not "System.Object[]".</summary>
    private static object? Listed(object? value) =>
        value is IList list and not byte[] and not IDictionary ? ExportValues.List(list) : value;

    public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

    public override bool IsSettable(PSAdaptedProperty adaptedProperty) => false;

    public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value) =>
        throw new SetValueException($"The property '{adaptedProperty.Name}' of a map entry cannot be set; " +
            "use Set-BpfMapEntry to change the map.");

    public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty) => typeof(object).FullName!;

    /// <summary>A scalar or joined list keeps its own name (Key, Value); a struct gives a column per field.</summary>
    private static void AddColumns(Collection<PSAdaptedProperty> columns, string root, object? value)
    {
        if (value is IDictionary || (value is IList && value is not byte[] && HasStruct((IList)value)))
            foreach (string path in Paths(root, value))
                columns.Add(new PSAdaptedProperty(path, path));
        else
            columns.Add(new PSAdaptedProperty(root, root));
    }

    /// <summary>The dotted paths of every leaf: struct fields by name, arrays of structs by index.</summary>
    private static IEnumerable<string> Paths(string prefix, object? value)
    {
        switch (value)
        {
            case IDictionary d:
                foreach (DictionaryEntry f in d)
                    foreach (string p in Paths($"{prefix}.{f.Key}", f.Value))
                        yield return p;
                break;
            case IList list when list is not byte[] && HasStruct(list):
                for (int i = 0; i < list.Count; i++)
                    foreach (string p in Paths($"{prefix}[{i}]", list[i]))
                        yield return p;
                break;
            default:
                yield return prefix;
                break;
        }
    }

    private static bool HasStruct(IList list)
    {
        foreach (object? item in list)
            if (item is IDictionary)
                return true;
        return false;
    }

    /// <summary>Follows a path such as ".tag.as_u32" or ".corners[1].x" from a decoded value.</summary>
    private static object? Walk(object? value, string path)
    {
        int i = 0;
        while (i < path.Length && value is not null)
        {
            if (path[i] == '.')
            {
                int end = path.IndexOfAny(new[] { '.', '[' }, i + 1);
                string field = end < 0 ? path[(i + 1)..] : path[(i + 1)..end];
                value = value is IDictionary d ? d[field] : null;
                i = end < 0 ? path.Length : end;
            }
            else
            {
                int close = path.IndexOf(']', i);
                int index = int.Parse(path.AsSpan(i + 1, close - i - 1), provider: null);
                value = value is IList l && index < l.Count ? l[index] : null;
                i = close + 1;
            }
        }
        return value;
    }

    private static IEnumerable<string> Cpus(IReadOnlyList<object?> perCpu, string path)
    {
        foreach (object? cpu in perCpu)
            yield return ExportValues.Text(Walk(cpu, path));
    }
}
