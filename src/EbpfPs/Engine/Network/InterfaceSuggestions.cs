using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Engine.Network;

/// <summary>
/// The interfaces worth offering for a namespace, most likely first: those a test network made there, then
/// the other virtual ones, then devices with hardware behind them (eth0 carries the machine's link), then
/// loopback. Read from inside the namespace (setns on a thread, no process), so a name typed after
/// -NetNamespace completes to that namespace's interfaces and not to this one's.
/// </summary>
public static class InterfaceSuggestions
{
    public static IReadOnlyList<string> For(string? netns)
    {
        string[] names = NetInterfaces.List(netns).Select(i => i.Name).ToArray();
        var ours = TestNetworkInterfaces(netns);
        return names.OrderBy(n => Rank(n, netns, ours)).ThenBy(n => ours.IndexOf(n)).ThenBy(n => n,
            StringComparer.Ordinal).ToList();
    }

    private static int Rank(string name, string? netns, List<string> ours) =>
        ours.Contains(name) ? 0 : name == "lo" ? 3 : HasDevice(name, netns) ? 2 : 1;

    /// <summary>
    /// /sys/class/net shows the namespace that mounted /sys, which is the session's own: only there does a
    /// device link tell a physical interface from a virtual one.
    /// </summary>
    private static bool HasDevice(string name, string? netns) =>
        string.IsNullOrEmpty(netns) && Tools.Exists(Path.Combine("/sys/class/net", name, "device"));

    /// <summary>Interfaces test networks made in the namespace, in the order the networks list them.</summary>
    private static List<string> TestNetworkInterfaces(string? netns)
    {
        try
        {
            var result = new List<string>();
            foreach (BpfTestNetwork network in TestNetworks.List())
            {
                if (string.IsNullOrEmpty(netns))
                {
                    if (network.RootInterface is not null) result.Add(network.RootInterface);
                    continue;
                }
                result.AddRange(network.Interfaces.Where(i => i.NetNamespace == netns).Select(i => i.Interface));
            }
            return result;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException
            or Errors.BpfException)
        {
            // A state file that cannot be read only costs the ordering, not the completion.
            return new List<string>();
        }
    }
}
