using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using EbpfPs.Engine.Fleet;
using EbpfPs.Interop;

namespace EbpfPs.Tests.Fakes;

/// <summary>
/// A fake kernel and a fake host wired together for the flows that make test networks with iproute2: `ip netns
/// add/del` and `ip link add/del` change the fake kernel's namespaces and interfaces (so NetNamespace.Exists and
/// NetInterfaces see them), `ip -j link show` answers from it, ssh-keygen writes a public key, and starting sshd
/// writes its pid file and /proc entries (a listener and one session below it), unless the router is told its
/// sshd exits at once. Both are in place from construction until Dispose; state files go to the fake's folder.
/// </summary>
internal sealed class FakeNetworkHost : IDisposable
{
    /// <summary>The one 198.19.x.0/24 left free, so a fleet's addresses are known beforehand.</summary>
    public const int FreeSubnet = 42;

    private readonly IDisposable _kernelScope, _hostScope;
    // Each veth end's peer, so `ip -j link show` can give link_index as iproute2 does.
    private readonly Dictionary<(string Ns, string Name), (string Ns, string Name)> _peers = new();
    private int _nextPid = 7_000_000;

    public FakeNetworkHost()
    {
        foreach (string tool in FleetSsh.RequiredTools)
            Host.Files[tool] = "";
        Host.On("ip ", Ip)
            .On("ip -4 -j addr show", "[]")
            .On("ip -4 -j route show table all", RoutesLeaving(FreeSubnet))
            .On(FleetSsh.KeyGen, KeyGen)
            .On("nsenter", StartSshd);
        _kernelScope = BpfSystem.Use(Kernel);
        _hostScope = HostTools.Use(Host);
    }

    public FakeBpfSystem Kernel { get; } = new();
    public FakeHostTools Host { get; } = new();

    /// <summary>Namespaces (NAME-rI) whose sshd writes its pid file, logs this and exits at once.</summary>
    public Dictionary<string, string> SshdExitsAtOnce { get; } = new();

    /// <summary>The pid and session pid each started sshd got, by namespace.</summary>
    public Dictionary<string, (int Sshd, int Session)> Sshds { get; } = new();

    /// <summary>Tool runs in order, without the file reads, link reads and listings.</summary>
    public IReadOnlyList<string> Commands =>
        Host.Calls.Where(c => c.File is not ("read" or "readlink" or "ls")).Select(c => c.Line).ToList();

    /// <summary>The folder state files go to (the fake kernel's, never /run/ebpfps).</summary>
    public string NetworksFolder => Path.Combine(Kernel.StateDirectory, "networks");

    public void Dispose()
    {
        _hostScope.Dispose();
        _kernelScope.Dispose();
        Kernel.Dispose();
    }

    private ToolOutput Ip(FakeToolCall call)
    {
        var args = call.Args.ToList();
        string ns = "";
        if (args.Count > 2 && args[0] == "-n")
        {
            ns = args[1];
            args = args.Skip(2).ToList();
        }
        switch (args)
        {
            case ["netns", "add", var name]:
                Kernel.AddNamespace(name);
                break;
            case ["netns", "del", var name]:
                Kernel.RemoveNamespace(name);
                break;
            case ["link", "add", var name, "type", "bridge"]:
                Kernel.AddInterface(name, ns);
                break;
            case ["link", "add", var a, "netns", var nsA, "type", "veth", "peer", "name", var b, "netns", var nsB]:
                AddPair(nsA, a, nsB, b);
                break;
            case ["link", "add", var a, "type", "veth", "peer", "name", var b, "netns", var nsB]:
                AddPair(ns, a, nsB, b);
                break;
            case ["link", "del", var name]:
                Kernel.RemoveInterface(name, ns);
                if (_peers.Remove((ns, name), out var peer) && Kernel.NamespaceNames.Contains(peer.Ns))
                    Kernel.RemoveInterface(peer.Name, peer.Ns);
                break;
            case ["-j", "link", "show", "dev", var dev]:
                return Json(Link(ns, dev));
            case ["-j", "link", "show"]:
                return Json(string.Join(",", _peers.Keys.Where(k => k.Ns == ns).Select(k => Link(ns, k.Name))));
        }
        return new ToolOutput(0, "", "");
    }

    private void AddPair(string nsA, string a, string nsB, string b)
    {
        Kernel.AddInterface(a, nsA);
        Kernel.AddInterface(b, nsB);
        _peers[(nsA, a)] = (nsB, b);
        _peers[(nsB, b)] = (nsA, a);
    }

    private string Link(string ns, string dev)
    {
        int index = Kernel.Interface(dev, ns).Index;
        string peer = _peers.TryGetValue((ns, dev), out var p) && Kernel.HasInterface(p.Name, p.Ns)
            ? $",\"link_index\":{Kernel.Interface(p.Name, p.Ns).Index}" : "";
        return $"{{\"ifindex\":{index},\"ifname\":\"{dev}\",\"address\":\"02:00:00:00:00:{index:x2}\"{peer}}}";
    }

    private static ToolOutput Json(string items) => new(0, "[" + items + "]", "");

    /// <summary>`ip -j route show` with a route over every 198.19.x.0/24 but one.</summary>
    private static string RoutesLeaving(int free) =>
        "[" + string.Join(",", Enumerable.Range(1, 254).Where(s => s != free)
            .Select(s => $"{{\"dst\":\"198.19.{s}.0/24\"}}")) + "]";

    private ToolOutput KeyGen(FakeToolCall call)
    {
        string path = call.Args[^1], comment = call.Args[^3];
        Host.Files[path + ".pub"] = $"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{Path.GetFileName(path)} {comment}";
        return new ToolOutput(0, "", "");
    }

    /// <summary>nsenter --net=/run/netns/NS unshare ... /bin/sh -c SCRIPT ebpfps-sshd CONFIG LOG</summary>
    private ToolOutput StartSshd(FakeToolCall call)
    {
        string ns = call.Args[0][(call.Args[0].LastIndexOf('/') + 1)..];
        string config = call.Args[^2], log = call.Args[^1];
        string pidFile = Path.Combine(Path.GetDirectoryName(config)!, "sshd.pid");
        int pid = _nextPid++, session = _nextPid++;
        Host.Files[pidFile] = pid.ToString(CultureInfo.InvariantCulture) + "\n";
        if (SshdExitsAtOnce.TryGetValue(ns, out string? logged))
        {
            Host.Files[log] = logged;
            return new ToolOutput(0, "", "");
        }
        AddProcess(pid, 1, "sshd", FleetProcesses.Sshd, $"sshd: {FleetProcesses.Sshd} -f {config} -E {log} [listener]");
        AddProcess(session, pid, "sshd-session", "/usr/lib/openssh/sshd-session", "sshd-session: root@notty");
        Sshds[ns] = (pid, session);
        return new ToolOutput(0, "", "");
    }

    private void AddProcess(int pid, int parent, string comm, string exe, string title)
    {
        Host.Files[$"/proc/{pid}/stat"] =
            $"{pid} ({comm}) S {parent} {pid} {pid} 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 123456 0 0";
        Host.Files[$"/proc/{pid}/cmdline"] = title.Replace(' ', '\0') + "\0";
        Host.Links[$"/proc/{pid}/exe"] = exe;
    }
}
