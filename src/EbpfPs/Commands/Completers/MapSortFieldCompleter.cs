using System.Collections;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// -SortBy: the numeric fields of the map already named by -Id, -Name or -LiteralPath/-Path, from its BTF.
/// </summary>
public class MapSortFieldCompleter : CompleterBase
{
    protected override bool Ordered => true;

    protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters)
    {
        if (!EbpfPs.Engine.NativeRuntime.LibbpfPresent)
            return Enumerable.Empty<string>();
        using BpfMap? map = Open(fakeBoundParameters);
        return map is null ? Enumerable.Empty<string>() : Names(map.SortFieldNames().ToList());
    }

    protected virtual IEnumerable<string> Names(IReadOnlyList<string> fields) => fields;

    private static BpfMap? Open(IDictionary bound)
    {
        if (BoundStrings(bound, "Id") is [string id] && uint.TryParse(id, out uint n))
            return BpfMap.OpenById(n);
        if (BoundStrings(bound, "Name") is [string name])
            return BpfMap.OpenByName(name);
        if (BoundStrings(bound, "LiteralPath") is [string literal])
            return BpfMap.OpenPinned(literal);
        if (BoundStrings(bound, "Path") is [string path] && !path.Contains('*') && !path.Contains('?'))
            return BpfMap.OpenPinned(path);
        return null;
    }
}

/// <summary>Watch-BpfMap -SortBy: each value field's rate (fieldPerSecond) first, then totals and key fields.</summary>
public sealed class WatchSortFieldCompleter : MapSortFieldCompleter
{
    protected override IEnumerable<string> Names(IReadOnlyList<string> fields) =>
        fields.Where(f => f != "Key" && !f.StartsWith("Key.", System.StringComparison.Ordinal))
            .Select(f => f + "PerSecond").Concat(fields);
}
