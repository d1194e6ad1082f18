using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Network;

/// <summary>An interface a name or pattern found; FromPattern when a pattern found it, not its exact name.</summary>
public readonly record struct FoundInterface(int Index, string Name, bool FromPattern);

/// <summary>Interface lookups in the calling thread's network namespace (call inside NetNamespace.Run).</summary>
public static class NetInterfaces
{
    public static IReadOnlyList<(int Index, string Name)> List() =>
        BpfSystem.Current.Interfaces().OrThrow("list network interfaces");

    public static int IndexOf(string name, string? netns)
    {
        RequireValidName(name);
        Result<int> index = BpfSystem.Current.InterfaceIndex(name);
        return index.Ok ? index.Value : throw NotFound(name, netns);
    }

    public static string NameOf(int index) => BpfSystem.Current.InterfaceName(index) ?? index.ToString();

    /// <summary>
    /// Expands names and wildcard patterns to the interfaces that exist; a name that matches nothing is ObjectNotFound.
    /// </summary>
    public static List<(int Index, string Name)> Resolve(IEnumerable<string> namesOrPatterns, string? netns,
        Func<string, Func<string, bool>> matcher) =>
        Find(namesOrPatterns, netns, matcher).Select(f => (f.Index, f.Name)).Distinct().ToList();

    /// <summary>
    /// What each name or pattern finds. Linux names are case-sensitive and may hold '*', '?' or '[': an interface
    /// whose name is exactly the text is always that interface, and the text is a pattern only when no interface
    /// has that name (matcher should compare case-sensitively). Nothing found is InterfaceNotFound.
    /// </summary>
    public static List<FoundInterface> Find(IEnumerable<string> namesOrPatterns, string? netns,
        Func<string, Func<string, bool>> matcher)
    {
        IReadOnlyList<(int Index, string Name)>? all = null;
        var result = new List<FoundInterface>();
        foreach (string item in namesOrPatterns)
        {
            RequireValidName(item);
            // if_nametoindex knows alternative names too (ip link property add altname).
            Result<int> exact = BpfSystem.Current.InterfaceIndex(item);
            if (exact.Ok)
            {
                result.Add(new FoundInterface(exact.Value, item, false));
                continue;
            }
            if (!IsPattern(item))
                throw NotFound(item, netns);
            Func<string, bool> match = matcher(item);
            all ??= List();
            var hits = all.Where(i => match(i.Name)).ToList();
            if (hits.Count == 0)
                throw NotFound(item, netns);
            result.AddRange(hits.Select(h => new FoundInterface(h.Index, h.Name, true)));
        }
        return result.DistinctBy(f => f.Index).ToList();
    }

    /// <summary>
    /// The interfaces of a list that names or patterns select, exact names first as in Find; none is no error
    /// (a filter of a listing).
    /// </summary>
    public static IEnumerable<(int Index, string Name)> Select(IEnumerable<(int Index, string Name)> all,
        IReadOnlyCollection<string> namesOrPatterns, Func<string, Func<string, bool>> matcher)
    {
        var list = all.ToList();
        var chosen = new HashSet<int>();
        foreach (string item in namesOrPatterns)
        {
            var exact = list.Where(i => i.Name == item).ToList();
            if (exact.Count == 0 && IsPattern(item))
            {
                Func<string, bool> match = matcher(item);
                exact = list.Where(i => match(i.Name)).ToList();
            }
            foreach (var i in exact)
                chosen.Add(i.Index);
        }
        return list.Where(i => chosen.Contains(i.Index));
    }

    /// <summary>
    /// Refuses text no interface can be named: a NUL would cut the name short on its way to the kernel, so that
    /// "x1`0junk" would mean x1.
    /// </summary>
    public static void RequireValidName(string name)
    {
        if (name.Length == 0 || name.IndexOf('\0') >= 0)
            throw new BpfException(ErrorId.InvalidInterfaceName,
                $"'{name.Replace("\0", "`0")}' cannot name a network interface: " +
                (name.Length == 0 ? "it is empty." : "it holds a NUL character."), name);
    }

    private static bool IsPattern(string text) => text.IndexOfAny(new[] { '*', '?', '[' }) >= 0;

    internal static BpfException NotFound(string name, string? netns) =>
        new(ErrorId.InterfaceNotFound,
            $"There is no network interface '{name}' in {Where(netns)}.", name, (int)Errno.ENODEV);

    private static string Where(string? netns) =>
        string.IsNullOrEmpty(netns) ? "this network namespace" : $"network namespace '{netns}'";
}
