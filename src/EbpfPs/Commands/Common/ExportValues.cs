using System;
using System.Collections;
using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Values as Export-Csv and ConvertTo-Csv write them. Those cmdlets write a cell with PSObject.ToString(), which
/// honours a ToString the type data gives a type name, and a plain .NET value's own ToString (a type name for an
/// array, the culture's format without milliseconds for a time) otherwise. So a list or a time is handed out
/// wrapped in a PSObject named EbpfPs.List or EbpfPs.Timestamp, whose ToString (formats/Export.Types.ps1xml)
/// joins the items or writes ISO 8601 with milliseconds; scripts still get the array or DateTime underneath
/// (-contains, .Count, indexing, date arithmetic), and remoting serializes the value, not the wrapper.
/// </summary>
public static class ExportValues
{
    public const string ListTypeName = "EbpfPs.List";
    public const string TimestampTypeName = "EbpfPs.Timestamp";

    public static PSObject? List(IEnumerable? items)
    {
        if (items is null)
            return null;
        var o = new PSObject(items);
        o.TypeNames.Insert(0, ListTypeName);
        return o;
    }

    public static PSObject Timestamp(DateTime time)
    {
        var o = new PSObject(time);
        o.TypeNames.Insert(0, TimestampTypeName);
        return o;
    }

    /// <summary>
    /// A counter the engine keeps as a decimal (exact past 2^53) as the integer it is, so ConvertTo-Json writes 3,
    /// not 3.0; a fraction stays a decimal.
    /// </summary>
    public static object Number(decimal value)
    {
        if (decimal.Truncate(value) != value)
            return value;
        if (value is >= long.MinValue and <= long.MaxValue)
            return (long)value;
        return value <= ulong.MaxValue ? (ulong)value : value;
    }

    /// <summary>The ToString of EbpfPs.List: numbers and words space-separated, anything longer by "; ".</summary>
    public static string ListText(PSObject instance)
    {
        if (instance.BaseObject is not IEnumerable items)
            return "";
        object?[] all = items.Cast<object?>().ToArray();
        // A phrase (a string with spaces, such as a measurement's condition) is not a word: "; " keeps it whole.
        bool scalars = all.All(i => i is null or IFormattable || i is string s && !s.Contains(' '));
        return string.Join(scalars ? " " : "; ", all.Select(Text));
    }

    /// <summary>The ToString of EbpfPs.Timestamp: ISO 8601 with milliseconds and the offset or Z.</summary>
    public static string TimestampText(PSObject instance) =>
        instance.BaseObject is DateTime t ? Text(t) : instance.BaseObject?.ToString() ?? "";

    /// <summary>
    /// One value as a cell: times in ISO 8601, numbers in the invariant culture, bytes as hex, lists joined by spaces,
    /// struct fields as name=value pairs (only where a field could not get its own column).
    /// </summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        PSObject pso => Text(pso.BaseObject),
        string s => s,
        DateTime t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.fffK", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexString(bytes).ToLowerInvariant(),
        IDictionary d => string.Join(" ", d.Cast<DictionaryEntry>().Select(e => $"{e.Key}={Text(e.Value)}")),
        IEnumerable items => string.Join(" ", items.Cast<object?>().Select(Text)),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    // Code properties (formats/Export.Types.ps1xml) that stand in for the .NET properties of the same name.

    public static object? ProgramMapIds(PSObject instance) => List((instance.BaseObject as BpfProgramInfo)?.MapIds);

    public static object? ProgramLoadedAt(PSObject instance) =>
        instance.BaseObject is BpfProgramInfo p ? Timestamp(p.LoadedAt) : null;

    public static object? SamplePacketsPerSecond(PSObject instance) =>
        List((instance.BaseObject as HookThroughput)?.SamplePacketsPerSecond as IEnumerable);

    public static object? SampleBitsPerSecond(PSObject instance) =>
        List((instance.BaseObject as HookThroughput)?.SampleBitsPerSecond as IEnumerable);

    public static object? Conditions(PSObject instance) =>
        List((instance.BaseObject as HookThroughput)?.Conditions as IEnumerable);

    public static object? Trials(PSObject instance) => List((instance.BaseObject as HookThroughput)?.Trials);

    public static object? NetworkNamespaces(PSObject instance) =>
        List((instance.BaseObject as BpfTestNetwork)?.Namespaces);

    public static object? NetworkInterfaces(PSObject instance) =>
        List((instance.BaseObject as BpfTestNetwork)?.Interfaces);

    public static object? NetworkChanges(PSObject instance) => List((instance.BaseObject as BpfTestNetwork)?.Changes);

    public static object? NetworkHosts(PSObject instance) => List((instance.BaseObject as BpfTestNetwork)?.Hosts);

    public static object? NetworkCreatedAt(PSObject instance) =>
        instance.BaseObject is BpfTestNetwork n ? Timestamp(n.CreatedAt) : null;

    public static object? ObjectPrograms(PSObject instance) => List((instance.BaseObject as BpfObject)?.Programs);

    public static object? ObjectMaps(PSObject instance) => List((instance.BaseObject as BpfObject)?.Maps);

    public static object? ObjectCreatedPins(PSObject instance) => List((instance.BaseObject as BpfObject)?.CreatedPins);

    public static object? BtfMembers(PSObject instance) => List((instance.BaseObject as BpfBtfType)?.Members);

    public static object? BtfValues(PSObject instance) => List((instance.BaseObject as BpfBtfType)?.Values);

    public static object? PacketVlanIds(PSObject instance) => List((instance.BaseObject as BpfTestPacket)?.VlanIds);
}
