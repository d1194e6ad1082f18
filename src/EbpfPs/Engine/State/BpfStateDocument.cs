using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.State;

/// <summary>Where a value of the state came from, for messages: "router.psd1 line 7 (Programs[0].Object)".</summary>
public sealed record StateSource(string? File, string Key, int? Line)
{
    public override string ToString() =>
        File is null ? Key
        : Line is null ? $"{System.IO.Path.GetFileName(File)} ({Key})"
        : $"{System.IO.Path.GetFileName(File)} line {Line} ({Key})";
}

public sealed record StateInterface(string Name, StateSource Source);

/// <summary>One program entry: an object's program at a hook on some interfaces of a namespace.</summary>
public sealed record StateProgram(string Name, string Object, string? Program, BpfHook Hook,
    IReadOnlyList<StateInterface> Interfaces, string? NetNamespace, StateSource Source)
{
    public StateSource ObjectSource { get; init; } = Source;
    public StateSource NetNamespaceSource { get; init; } = Source;
    /// <summary>Where the program goes (a state file names only hooks that attach something).</summary>
    public HookPoint Point => BpfHooks.PointOf(Hook)!;
    public bool IsXdp => Point.Kind == BpfHookKind.Xdp;
}

public sealed record StateMapEntry(object? Key, object? Value, StateSource Source);

/// <summary>A map that must exist: pinned at Path, or map MapName of program entry ProgramEntry.</summary>
public sealed record StateMap(string? Path, string? ProgramEntry, string? MapName, IReadOnlyList<StateMapEntry> Entries,
    StateSource Source)
{
    public StateSource NameSource { get; init; } = Source;
    public string Label => Path ?? $"{ProgramEntry}/{MapName}";
}

/// <summary>
/// A desired-state document (a .psd1 of the shape Test-BpfState's help describes), checked for shape before
/// anything looks at the kernel: unknown keys, missing keys and wrong types name the key and line.
/// </summary>
public sealed class BpfStateDocument
{
    private readonly string? _file;
    private readonly Func<string, int?> _lineOf;

    private BpfStateDocument(string? file, string baseDirectory, Func<string, int?>? lineOf)
    {
        _file = file;
        BaseDirectory = baseDirectory;
        _lineOf = lineOf ?? (_ => null);
    }

    public string? File => _file;
    /// <summary>Object paths in the state are relative to this folder (the state file's).</summary>
    public string BaseDirectory { get; }
    public IReadOnlyList<StateProgram> Programs { get; private set; } = Array.Empty<StateProgram>();
    public IReadOnlyList<StateMap> Maps { get; private set; } = Array.Empty<StateMap>();

    /// <summary>
    /// Reads a document from plain values (dictionaries, arrays, strings, numbers). lineOf maps a key path such
    /// as "Programs[0].Interfaces[1]" to its line in the file, when the caller knows it.
    /// </summary>
    public static BpfStateDocument Parse(IDictionary root, string? file, string baseDirectory,
        Func<string, int?>? lineOf = null)
    {
        var doc = new BpfStateDocument(file, baseDirectory, lineOf);
        doc.CheckKeys(root, StateShape.Root, "");
        doc.Programs = doc.Items(Get(root, "Programs"), "Programs").Select(x => doc.ReadProgram(x.Item, x.Key))
            .ToArray();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (StateProgram p in doc.Programs)
            if (!names.Add(p.Name))
                throw doc.Invalid(p.Source, $"a second program entry is named '{p.Name}'; give each a unique Name");
        doc.Maps = doc.Items(Get(root, "Maps"), "Maps").Select(x => doc.ReadMap(x.Item, x.Key)).ToArray();
        return doc;
    }

    public StateSource SourceOf(string key) => new(_file, key, _lineOf(key));

    public BpfException Invalid(StateSource at, string problem) =>
        new(ErrorId.InvalidStateFile, $"{at}: {problem}.", at.Key);

    private StateProgram ReadProgram(IDictionary p, string key)
    {
        CheckKeys(p, StateShape.ProgramEntry, key + ".");
        string obj = RequiredText(p, "Object", key);
        string? program = OptionalText(p, "Program", key);
        string hookText = RequiredText(p, "Hook", key);
        if (!Enum.TryParse(hookText, ignoreCase: true, out BpfHook hook) || int.TryParse(hookText, out _)
            || !BpfHooks.StateHooks.Contains(hook))
            throw Invalid(SourceOf(key + ".Hook"),
                $"Hook '{hookText}' is not one of {string.Join(", ", BpfHooks.StateHooks)}");
        object? ifaces = Get(p, "Interfaces") ?? throw Invalid(SourceOf(key), "Interfaces is missing");
        var interfaces = Items<object?>(ifaces, key + ".Interfaces").Select(x => x.Item is string s && s.Length > 0
                ? new StateInterface(s, SourceOf(x.Key))
                : throw Invalid(SourceOf(x.Key), "an interface is named by a non-empty string"))
            .ToArray();
        if (interfaces.Length == 0)
            throw Invalid(SourceOf(key + ".Interfaces"), "name at least one interface");
        string name = OptionalText(p, "Name", key) ?? program ?? System.IO.Path.GetFileNameWithoutExtension(obj);
        return new StateProgram(name, obj, program, hook, interfaces, OptionalText(p, "NetNamespace", key),
            SourceOf(key))
        {
            ObjectSource = SourceOf(key + ".Object"),
            NetNamespaceSource = SourceOf(key + ".NetNamespace"),
        };
    }

    private StateMap ReadMap(IDictionary m, string key)
    {
        CheckKeys(m, StateShape.MapEntry, key + ".");
        string? path = OptionalText(m, "Path", key);
        string? program = OptionalText(m, "Program", key);
        string? map = OptionalText(m, "Map", key);
        if (path is null == (program is null || map is null) || path is not null && (program ?? map) is not null)
            throw Invalid(SourceOf(key), "a map is either Path (a pinned map) or Program and Map (a map of a " +
                "program entry), not both and not neither");
        if (path is not null && !System.IO.Path.IsPathRooted(path))
            throw Invalid(SourceOf(key + ".Path"), $"'{path}' is not an absolute path on bpffs");
        if (program is not null
            && !Programs.Any(p => string.Equals(p.Name, program, StringComparison.OrdinalIgnoreCase)))
            throw new BpfException(ErrorId.StateProgramNotFound,
                $"{SourceOf(key + ".Program")}: no program entry is named '{program}' (they are: " +
                $"{string.Join(", ", Programs.Select(p => p.Name))}).", program);
        var entries = Items(Get(m, "Entries"), key + ".Entries").Select(x =>
        {
            CheckKeys(x.Item, StateShape.MapEntryEntry, x.Key + ".");
            if (!x.Item.Contains("Key") || !x.Item.Contains("Value"))
                throw Invalid(SourceOf(x.Key), "an entry has a Key and a Value");
            return new StateMapEntry(Get(x.Item, "Key"), Get(x.Item, "Value"), SourceOf(x.Key));
        }).ToArray();
        string? canonical = program is null ? null
            : Programs.First(p => string.Equals(p.Name, program, StringComparison.OrdinalIgnoreCase)).Name;
        return new StateMap(path, canonical, map, entries, SourceOf(key))
            { NameSource = SourceOf(key + (path is null ? ".Map" : ".Path")) };
    }

    private void CheckKeys(IDictionary d, StateShape shape, string prefix)
    {
        foreach (object k in d.Keys)
            shape.CheckKey(k, SourceOf(prefix + k));
    }

    /// <summary>The items of a list (a single item counts as a list of one) with their key paths.</summary>
    private IEnumerable<(IDictionary Item, string Key)> Items(object? value, string key) =>
        Items<object?>(value, key).Select(x => x.Item is IDictionary d ? (d, x.Key)
            : throw Invalid(SourceOf(x.Key), "expected a hashtable @{ ... }"));

    private static IEnumerable<(T Item, string Key)> Items<T>(object? value, string key)
    {
        if (value is null)
            yield break;
        if (value is IList list and not IDictionary)
        {
            for (int i = 0; i < list.Count; i++)
                yield return ((T)list[i]!, $"{key}[{i}]");
            yield break;
        }
        yield return ((T)value, $"{key}[0]");
    }

    private static object? Get(IDictionary d, string key)
    {
        foreach (DictionaryEntry e in d)
            if (string.Equals(e.Key.ToString(), key, StringComparison.OrdinalIgnoreCase))
                return e.Value;
        return null;
    }

    private string RequiredText(IDictionary d, string name, string key) =>
        OptionalText(d, name, key) ?? throw Invalid(SourceOf(key), $"{name} is missing");

    private string? OptionalText(IDictionary d, string name, string key) => Get(d, name) switch
    {
        null => null,
        string s when s.Length > 0 => s,
        _ => throw Invalid(SourceOf($"{key}.{name}"), $"{name} is a non-empty string"),
    };
}
