using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Network;

/// <summary>
/// Interface lookups in a network namespace. The functions taking a namespace enter it themselves; the ones named
/// Here work in the calling thread's namespace (inside NetNamespace.Run) and tag what they find with netns.
/// </summary>
public static class NetInterfaces
{
    /// <summary>Every interface of a namespace, in index order.</summary>
    public static IReadOnlyList<NetInterface> List(string? netns) => NetNamespace.Run(netns, () => ListHere(netns));

    /// <summary>The interface a name (or altname) has in a namespace; InterfaceNotFound when none has it.</summary>
    public static NetInterface Named(string name, string? netns) =>
        NetNamespace.Run(netns, () => NamedHere(name, netns));

    /// <summary>Every interface of the calling thread's namespace, tagged with netns, in index order.</summary>
    public static IReadOnlyList<NetInterface> ListHere(string? netns) =>
        BpfSystem.Current.Interfaces().OrThrow("list network interfaces")
            .Select(i => new NetInterface(i.Key, i.Value, Tag(netns))).ToList();

    public static NetInterface NamedHere(string name, string? netns)
    {
        RequireValidName(name);
        Result<int> index = BpfSystem.Current.InterfaceIndex(name);
        return index.Ok ? new NetInterface(index.Value, name, Tag(netns)) : throw NotFound(name, netns);
    }

    public static string NameOf(int index) => BpfSystem.Current.InterfaceName(index) ?? index.ToString();

    /// <summary>
    /// What each name or pattern finds in the calling thread's namespace. Linux names are case-sensitive and may hold
    /// '*', '?' or '[': an interface whose name is exactly the text is always that interface, and the text is a
    /// pattern only when no interface has that name (matcher should compare case-sensitively). Nothing found is
    /// InterfaceNotFound. fromPattern (when given) collects the indexes only a pattern found.
    /// </summary>
    public static List<NetInterface> FindHere(IEnumerable<string> namesOrPatterns, string? netns,
        Func<string, Func<string, bool>> matcher, ISet<int>? fromPattern = null)
    {
        IReadOnlyList<NetInterface>? all = null;
        var result = new List<NetInterface>();
        var seen = new HashSet<int>();
        void Add(NetInterface i, bool byPattern)
        {
            // The first way an interface was found is the one that counts, as the order the user wrote.
            if (!seen.Add(i.Index)) return;
            result.Add(i);
            if (byPattern) fromPattern?.Add(i.Index);
        }
        foreach (string item in namesOrPatterns)
        {
            RequireValidName(item);
            // if_nametoindex knows alternative names too (ip link property add altname).
            Result<int> exact = BpfSystem.Current.InterfaceIndex(item);
            if (exact.Ok)
            {
                Add(new NetInterface(exact.Value, item, Tag(netns)), false);
                continue;
            }
            if (!IsPattern(item))
                throw NotFound(item, netns);
            Func<string, bool> match = matcher(item);
            all ??= ListHere(netns);
            var hits = all.Where(i => match(i.Name)).ToList();
            if (hits.Count == 0)
                throw NotFound(item, netns);
            foreach (NetInterface h in hits)
                Add(h, true);
        }
        return result;
    }

    /// <summary>The index of an interface of the calling thread's namespace; InterfaceNotFound if none.</summary>
    public static int IndexOf(string name, string? netns) => NamedHere(name, netns).Index;

    /// <summary>
    /// The interfaces of a list that names or patterns select, exact names first as in Find; none is no error
    /// (a filter of a listing).
    /// </summary>
    public static IEnumerable<NetInterface> Select(IEnumerable<NetInterface> all,
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

    private static string? Tag(string? netns) => string.IsNullOrEmpty(netns) ? null : netns;

    internal static BpfException NotFound(string name, string? netns) =>
        new(ErrorId.InterfaceNotFound,
            $"There is no network interface '{name}' in {Where(netns)}.", name, (int)Errno.ENODEV);

    private static string Where(string? netns) =>
        string.IsNullOrEmpty(netns) ? "this network namespace" : $"network namespace '{netns}'";
}
