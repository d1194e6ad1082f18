using System;
using System.Linq;
using EbpfPs.Engine.Errors;

namespace EbpfPs.Engine.TestNetwork;

/// <summary>
/// Whose test network is it: several sessions (and several people) make networks on one machine, so listing
/// can keep to this session's or to old ones, and removing a network whose maker still runs needs -Force.
/// </summary>
public static class TestNetworkOwnership
{
    /// <summary>Made more than age ago (by the clock of the machine, as CreatedAt is).</summary>
    public static bool OlderThan(BpfTestNetwork network, TimeSpan age) => DateTime.Now - network.CreatedAt > age;

    /// <summary>
    /// Throws TestNetworkInUse when another process that is still running made the network. Networks of this
    /// process, of processes that ended, and of state without a maker recorded can go.
    /// </summary>
    public static void CheckRemovable(string name, bool force)
    {
        if (force)
            return;
        BpfTestNetwork? network = TestNetworks.List().FirstOrDefault(n => n.Name == name);
        if (network is null || network.Mine || network.CreatorRunning != true)
            return;
        throw new BpfException(ErrorId.TestNetworkInUse,
            $"Test network '{name}' was made by process {network.CreatorProcessId} ({network.CreatorName}) at " +
            $"{network.CreatedAt:yyyy-MM-dd HH:mm:ss}, which is still running; it was left alone.", name,
            recommendedAction: "Remove it from the session that made it, or add -Force to remove it anyway.");
    }
}
