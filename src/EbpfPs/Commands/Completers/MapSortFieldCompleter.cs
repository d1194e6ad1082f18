using System.Collections;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Maps;

namespace EbpfPs.Commands;

/// <summary>
/// -SortBy: the numeric fields of the map the line names (by -Id, -Name, a path, -InputObject or the pipe), from
/// its BTF; Value and Key alone until a map is named, as they are what a map whose key and value are numbers takes.
/// </summary>
public class MapSortFieldCompleter : CompleterBase
{
    private bool _mapKnown;

    protected override bool Ordered => true;

    protected override IEnumerable<string> Candidates(IDictionary fakeBoundParameters)
    {
        _mapKnown = false;
        using BpfMap? map = MapOnLine.Open(fakeBoundParameters, Ast);
        _mapKnown = map is not null;
        return Names(map is null ? new[] { "Value", "Key" } : map.SortFieldNames().ToList());
    }

    protected override (string ListItem, string ToolTip) Describe(string candidate) => _mapKnown
        ? (candidate, candidate)
        : (candidate, $"{candidate} (name the map first, with -Id, -Name or the pipe, to complete its fields)");

    protected virtual IEnumerable<string> Names(IReadOnlyList<string> fields) => fields;
}

/// <summary>Watch-BpfMap -SortBy: each value field's rate (fieldPerSecond) first, then totals and key fields.</summary>
public sealed class WatchSortFieldCompleter : MapSortFieldCompleter
{
    protected override IEnumerable<string> Names(IReadOnlyList<string> fields) =>
        fields.Where(f => f != "Key" && !f.StartsWith("Key.", System.StringComparison.Ordinal))
            .Select(f => f + "PerSecond").Concat(fields);
}
