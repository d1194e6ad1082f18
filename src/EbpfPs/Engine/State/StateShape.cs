using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.State;

/// <summary>
/// The shape of a desired-state document: which keys a hashtable may hold at each place, and which keys hold lists.
/// A file reader walks it beside the file, so an unknown key is refused before its value is read: a hostile
/// value can be as large as the file, a key is checked at once.
/// </summary>
public sealed class StateShape
{
    private readonly (string Key, StateShape Shape)[]? _members;

    private StateShape((string, StateShape)[]? members, StateShape? items)
    {
        _members = members;
        Items = items;
    }

    /// <summary>A value of any shape: map keys and values (structs are hashtables of their own fields).</summary>
    public static StateShape Any { get; } = new(null, null);

    private static readonly StateShape Entry = Table(("Key", Any), ("Value", Any));
    private static readonly StateShape Program = Table(("Name", Any), ("Object", Any), ("Program", Any),
        ("Hook", Any), ("Interfaces", ListOf(Any)), ("NetNamespace", Any));
    private static readonly StateShape Map = Table(("Path", Any), ("Program", Any), ("Map", Any),
        ("Entries", ListOf(Entry)));

    /// <summary>The document: @{ Programs = ...; Maps = ... }.</summary>
    public static StateShape Root { get; } = Table(("Programs", ListOf(Program)), ("Maps", ListOf(Map)));

    internal static StateShape ProgramEntry => Program;
    internal static StateShape MapEntry => Map;
    internal static StateShape MapEntryEntry => Entry;

    /// <summary>For a list, the shape of each item (where a list is expected, one item is a list of one).</summary>
    public StateShape? Items { get; }

    public bool IsList => Items is not null;

    /// <summary>True for a hashtable whose keys the document names (false for Any and for lists).</summary>
    public bool IsTable => _members is not null;

    /// <summary>The keys a hashtable of this shape may hold, in the order the help lists them.</summary>
    public IReadOnlyList<string> Keys => _members?.Select(m => m.Key).ToArray() ?? Array.Empty<string>();

    /// <summary>The shape of a key's value (keys compare as PowerShell's hashtables do, ignoring case).</summary>
    public StateShape? Member(string key)
    {
        foreach ((string name, StateShape shape) in _members ?? Array.Empty<(string, StateShape)>())
            if (string.Equals(name, key, StringComparison.OrdinalIgnoreCase))
                return shape;
        return null;
    }

    /// <summary>Throws InvalidStateFile naming the key and where it is, unless this table allows it.</summary>
    public void CheckKey(object key, StateSource at)
    {
        if (_members is null || Member(key.ToString() ?? "") is not null)
            return;
        throw new BpfException(ErrorId.InvalidStateFile,
            $"{at}: unknown key '{key}' (the keys here are {string.Join(", ", Keys)}).", at.Key);
    }

    private static StateShape Table(params (string, StateShape)[] members) => new(members, null);

    private static StateShape ListOf(StateShape items) => new(null, items);
}
