using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;

namespace EbpfPs.Engine.Fleet;

/// <summary>
/// Addresses and names of a Fleet test network. The session's namespace reaches the routers' sshd over one
/// veth pair on a /24 of 198.19.0.0/16 that nothing there uses yet (two fleets may exist at once); the data
/// path lives only inside the fleet's namespaces: router i joins client A on 198.18.i.0/24 and client B on
/// 198.18.(100+i).0/24.
/// </summary>
internal static class FleetAddressing
{
    internal const int MaxHosts = 16;
    internal const string RootInterfacePrefix = "ebpfps-m";

    internal static string RootInterface(int subnet) => RootInterfacePrefix + subnet;
    internal static string RootAddress(int subnet) => $"198.19.{subnet}.254";
    internal static string HostAddress(int subnet, int host) => $"198.19.{subnet}.{host}";
    internal static string ClientA(int host) => $"198.18.{host}.1";
    internal static string RouterA(int host) => $"198.18.{host}.254";
    internal static string ClientB(int host) => $"198.18.{100 + host}.1";
    internal static string RouterB(int host) => $"198.18.{100 + host}.254";
    internal static string SubnetA(int host) => $"198.18.{host}.0/24";
    internal static string SubnetB(int host) => $"198.18.{100 + host}.0/24";

    /// <summary>
    /// The /24s of 198.19.0.0/16 (1..254) that overlap no address or route in use and whose interface name is
    /// free. Default routes are not a conflict: a connected /24 is more specific.
    /// </summary>
    internal static IReadOnlyList<int> FreeSubnets(IEnumerable<(IPAddress Address, int Prefix)> inUse,
        IEnumerable<string> interfaceNames)
    {
        var used = inUse.Where(u => u.Prefix > 0 && u.Address.AddressFamily ==
            System.Net.Sockets.AddressFamily.InterNetwork).ToList();
        var names = new HashSet<string>(interfaceNames, StringComparer.Ordinal);
        var free = new List<int>();
        for (int subnet = 1; subnet <= 254; subnet++)
        {
            uint net = ToUInt(IPAddress.Parse($"198.19.{subnet}.0"));
            if (names.Contains(RootInterface(subnet)))
                continue;
            if (!used.Any(u => Overlaps(net, 24, ToUInt(u.Address), u.Prefix)))
                free.Add(subnet);
        }
        return free;
    }

    private static bool Overlaps(uint a, int prefixA, uint b, int prefixB)
    {
        int bits = Math.Min(prefixA, prefixB);
        uint mask = bits == 0 ? 0 : uint.MaxValue << (32 - bits);
        return (a & mask) == (b & mask);
    }

    private static uint ToUInt(IPAddress address)
    {
        byte[] b = address.GetAddressBytes();
        return (uint)(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
    }
}
