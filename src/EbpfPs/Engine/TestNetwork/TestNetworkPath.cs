using System;
using System.Linq;

namespace EbpfPs.Engine.TestNetwork;

/// <summary>
/// What a frame from one interface of a test network to another carries: the sender's address and MAC, the
/// receiver's address, and as destination MAC the next hop on the sender's own link (the veth peer: the
/// receiver itself in a Pair, the router across a Routed network).
/// </summary>
public sealed record TestNetworkPath(string Source, string Destination, string SourceMac, string DestinationMac)
{
    /// <summary>The path between two roles of a network (a name only is read from its saved state).</summary>
    public static TestNetworkPath Between(BpfTestNetwork network, string from, string to)
    {
        BpfTestNetwork known = network.Interfaces.Count > 0 ? network : TestNetworks.Get(network.Name);
        BpfTestInterface sender = known[from];
        BpfTestInterface receiver = known[to];
        BpfTestInterface nextHop = known[sender.PeerRole];
        return new TestNetworkPath(sender.Address, receiver.Address, sender.Mac, nextHop.Mac);
    }
}
