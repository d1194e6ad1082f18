using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Network;

/// <summary>Interface lookups in the calling thread's network namespace (call inside NetNamespace.Run).</summary>
public static class NetInterfaces
{
    public static IReadOnlyList<(int Index, string Name)> List() =>
        BpfSystem.Current.Interfaces().OrThrow("list network interfaces");

    public static int IndexOf(string name, string? netns)
    {
        Result<int> index = BpfSystem.Current.InterfaceIndex(name);
        return index.Ok ? index.Value : throw NotFound(name, netns);
    }

    public static string NameOf(int index) => BpfSystem.Current.InterfaceName(index) ?? index.ToString();

    /// <summary>
    /// Expands names and wildcard patterns to the interfaces that exist; a name that matches nothing is ObjectNotFound.
    /// </summary>
    public static List<(int Index, string Name)> Resolve(IEnumerable<string> namesOrPatterns, string? netns,
        Func<string, Func<string, bool>> matcher)
    {
        var all = List();
        var result = new List<(int, string)>();
        foreach (string item in namesOrPatterns)
        {
            if (item.IndexOfAny(new[] { '*', '?', '[' }) < 0)
            {
                result.Add((IndexOf(item, netns), item));
                continue;
            }
            Func<string, bool> match = matcher(item);
            var hits = all.Where(i => match(i.Name)).ToList();
            if (hits.Count == 0)
                throw NotFound(item, netns);
            result.AddRange(hits);
        }
        return result.Distinct().ToList();
    }

    internal static BpfException NotFound(string name, string? netns) =>
        new(ErrorId.InterfaceNotFound,
            $"There is no network interface '{name}' in {Where(netns)}.", name, (int)Errno.ENODEV);

    private static string Where(string? netns) =>
        string.IsNullOrEmpty(netns) ? "this network namespace" : $"network namespace '{netns}'";
}
