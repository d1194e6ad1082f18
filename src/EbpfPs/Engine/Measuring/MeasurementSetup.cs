using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.TestNetwork;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// The network conditions a measurement needs, made before it and undone after it (also when it fails):
/// GRO where XDP-redirected frames land, fixed neighbour entries on the routed path, checksum offload
/// off on the clients for TCP and UDP, and the XDP programs on the clients that make redirects land or
/// count what arrives. Every change is said in Notes.
/// </summary>
internal sealed class MeasurementSetup : IDisposable
{
    private readonly List<Action> _undo = new();
    private readonly Func<string, AttachableProgram> _openClientProgram;

    // A fake kernel loads no object files, so a unit test hands in its own programs for the clients.
    private MeasurementSetup(Func<string, AttachableProgram>? openClientProgram) =>
        _openClientProgram = openClientProgram ?? (name => AttachableProgram.FromBuiltin(name, BpfHookKind.Xdp));

    public List<string> Notes { get; } = new();

    /// <summary>
    /// Live frames: GRO on the hook side and the receiver; routed, also B's sink, fixed neighbours. The clients'
    /// programs are the built-ins unless openClientProgram opens them (by built-in name) another way.
    /// </summary>
    public static MeasurementSetup ForLiveFrames(BpfTestNetwork network, BpfTestInterface hookSide,
        BpfTestInterface receiver, bool routed, Func<string, AttachableProgram>? openClientProgram = null)
    {
        var setup = new MeasurementSetup(openClientProgram);
        try
        {
            setup.EnsureGro(new[] { hookSide, receiver }.Distinct());
            if (routed)
            {
                setup.PinNeighbours(network);
                setup.AttachToClients(network, "drop", new[] { receiver });
                setup.Notes.Add("forwarded A to B through the router; " +
                    "B drops arrivals with native XDP so the router is what is measured");
            }
            return setup;
        }
        catch
        {
            setup.Dispose();
            throw;
        }
    }

    /// <summary>iperf3 between the clients: checksum offload off, XDP pass on both clients, fixed neighbours.</summary>
    public static MeasurementSetup ForIperf(BpfTestNetwork network,
        Func<string, AttachableProgram>? openClientProgram = null, ReceiveOffload offload = ReceiveOffload.On)
    {
        var setup = new MeasurementSetup(openClientProgram);
        try
        {
            BpfTestInterface[] clients = { network["ClientA"], network["ClientB"] };
            BpfTestInterface[] router = { network["RouterA"], network["RouterB"] };
            if (offload == ReceiveOffload.On)
                setup.EnsureGro(router.Concat(clients));
            else
            {
                setup.EnsureGro(clients);
                setup.GroOff(router);
            }
            setup.TxChecksumOff(clients);
            setup.PinNeighbours(network);
            setup.AttachToClients(network, "pass", clients);
            setup.Notes.Add("iperf3 from A to B through the router, the program on both router interfaces; " +
                "native XDP pass on both clients so frames the router redirects into them are received");
            return setup;
        }
        catch
        {
            setup.Dispose();
            throw;
        }
    }

    private void EnsureGro(IEnumerable<BpfTestInterface> interfaces)
    {
        var off = interfaces.Where(i => !Offload(i, "generic-receive-offload")).ToList();
        foreach (BpfTestInterface i in off)
        {
            SetOffload(i, "gro", true);
            _undo.Add(() => SetOffload(i, "gro", false));
        }
        if (off.Count > 0)
            Notes.Add($"GRO was off on {string.Join(", ", off.Select(i => i.Interface))} " +
                "where redirected frames arrive and was turned on for the measurement");
    }

    /// <summary>-ReceiveOffload Off: every frame reaches TC on its own, as it reaches XDP.</summary>
    private void GroOff(IEnumerable<BpfTestInterface> interfaces)
    {
        var on = interfaces.Where(i => Offload(i, "generic-receive-offload")).ToList();
        foreach (BpfTestInterface i in on)
        {
            SetOffload(i, "gro", false);
            _undo.Add(() => SetOffload(i, "gro", true));
        }
        Notes.Add($"GRO off on the router's interfaces ({string.Join(", ", interfaces.Select(i => i.Interface))}) " +
            "for the measurement (-ReceiveOffload Off)");
    }

    private void TxChecksumOff(IEnumerable<BpfTestInterface> clients)
    {
        var on = clients.Where(i => Offload(i, "tx-checksumming")).ToList();
        foreach (BpfTestInterface i in on)
        {
            SetOffload(i, "tx", false);
            _undo.Add(() => SetOffload(i, "tx", true));
        }
        string why = "(partial checksums do not survive an XDP redirect)";
        Notes.Add(on.Count > 0
            ? $"TX checksum offload turned off on {string.Join(", ", on.Select(i => i.Interface))} " +
              $"for the measurement {why}"
            : $"TX checksum offload off on the clients {why}");
    }

    /// <summary>
    /// Static neighbour entries along the path: a router that redirects never confirms its neighbours, so
    /// a dynamic entry ages into a probe the clients' XDP programs answer no one, and forwarding stops.
    /// </summary>
    private void PinNeighbours(BpfTestNetwork network)
    {
        var pairs = new[]
        {
            ("RouterA", "ClientA"), ("RouterB", "ClientB"), ("ClientA", "RouterA"), ("ClientB", "RouterB"),
        };
        foreach (var (localRole, remoteRole) in pairs)
        {
            BpfTestInterface local = network[localRole], remote = network[remoteRole];
            string? state = NeighbourState(local, remote.Address);
            if (state == "PERMANENT")
                continue;
            Neigh(local, "replace", remote.Address, "lladdr", remote.Mac, "nud", "permanent");
            _undo.Add(() =>
            {
                if (state is null)
                    Neigh(local, "del", remote.Address);
                else
                    Neigh(local, "replace", remote.Address, "lladdr", remote.Mac, "nud", "stale");
            });
        }
        Notes.Add("neighbour entries on the routed path fixed (nud permanent) for the measurement");
    }

    private void AttachToClients(BpfTestNetwork network, string program, IEnumerable<BpfTestInterface> clients)
    {
        using AttachableProgram p = _openClientProgram(program);
        foreach (BpfTestInterface i in clients)
        {
            IHookAttachment done =
                Attachments.Attach(p, new XdpHookPoint(XdpMode.Native), new[] { i.AsNetInterface() })[0];
            _undo.Add(() => Attachments.Detach(done));
        }
    }

    private static string? NeighbourState(BpfTestInterface i, string address)
    {
        string json = Tools.Ip(i.NetNamespace, "-j", "neigh", "show", "to", address, "dev", i.Interface);
        using JsonDocument doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "[]" : json);
        foreach (JsonElement e in doc.RootElement.EnumerateArray())
            if (e.TryGetProperty("state", out JsonElement states) && states.GetArrayLength() > 0)
                return states[0].GetString();
        return null;
    }

    private static void Neigh(BpfTestInterface i, string verb, string address, params string[] rest) =>
        Tools.Ip(i.NetNamespace, new[] { "neigh", verb, address }.Concat(rest).Concat(new[] { "dev", i.Interface })
            .ToArray());

    private static bool Offload(BpfTestInterface i, string feature) =>
        Tools.InNamespace(i.NetNamespace, "ethtool", "-k", i.Interface)
            .Split('\n').Any(l => l.StartsWith(feature + ": on", StringComparison.Ordinal));

    private static void SetOffload(BpfTestInterface i, string feature, bool on) =>
        Tools.InNamespace(i.NetNamespace, "ethtool", "-K", i.Interface, feature, on ? "on" : "off");

    /// <summary>Undoes in reverse order; one failing step does not stop the others.</summary>
    public void Dispose()
    {
        for (int i = _undo.Count - 1; i >= 0; i--)
        {
            try { _undo[i](); }
            catch (BpfException) { }
        }
        _undo.Clear();
    }
}
