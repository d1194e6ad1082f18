using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Tests.Fakes;

/// <summary>Building the fake kernel's starting state and reading its state back, without recording calls.</summary>
internal sealed partial class FakeBpfSystem
{
    /// <summary>A named namespace (or the fake's own, ""), with lo as interface 1 like a new namespace has.</summary>
    public FakeBpfSystem AddNamespace(string name)
    {
        lock (_gate)
        {
            // Like the kernel's: inodes may be reused (see ReplaceNamespace), cookies never are.
            ulong inode = 4026531840UL + (ulong)_namespaces.Count;
            var ns = new FakeNamespace(name, inode, ++_nextCookie);
            ns.Interfaces[1] = new FakeInterface(1, "lo", name);
            _namespaces[name] = ns;
        }
        return this;
    }

    /// <summary>Adds an interface (the next free index unless given) and returns its index.</summary>
    public int AddInterface(string name, string netns = "", int? index = null, bool nativeXdp = true)
    {
        lock (_gate)
        {
            FakeNamespace ns = _namespaces[netns];
            int i = index ?? ns.Interfaces.Keys.Max() + 1;
            ns.Interfaces[i] = new FakeInterface(i, name, netns) { NativeXdp = nativeXdp };
            return i;
        }
    }

    public FakeBpfSystem AddProgram(uint id, string name, BpfProgType type, params uint[] mapIds)
    {
        lock (_gate) _programs[id] = new FakeProgram(id, name, type, 0x0123_4567_89AB_CDEFUL ^ id, mapIds);
        return this;
    }

    public FakeBpfSystem AddMap(uint id, string name, BpfMapType type, uint keySize, uint valueSize,
        uint maxEntries = 16)
    {
        lock (_gate) _maps[id] = new FakeMap(id, name, type, keySize, valueSize, maxEntries);
        return this;
    }

    /// <summary>Puts a program on an XDP hook as if `ip link set dev X xdpdrv/xdpgeneric` had run.</summary>
    public FakeBpfSystem SetXdp(string ifname, XdpAttachMode mode, uint programId, string netns = "")
    {
        lock (_gate)
        {
            FakeInterface i = Interface(ifname, netns);
            switch (mode)
            {
                case XdpAttachMode.Drv: i.XdpDrv = programId; break;
                case XdpAttachMode.Skb: i.XdpSkb = programId; break;
                case XdpAttachMode.Hw: i.XdpHw = programId; break;
                default: throw new ArgumentException("Say which mode the program is in.", nameof(mode));
            }
        }
        return this;
    }

    /// <summary>A clsact qdisc someone else made (`tc qdisc add dev X clsact`).</summary>
    public FakeBpfSystem AddClsact(string ifname, string netns = "")
    {
        lock (_gate) Interface(ifname, netns).Clsact = true;
        return this;
    }

    /// <summary>A filter someone else made; the interface gets a clsact qdisc if it had none.</summary>
    public FakeBpfSystem AddFilter(string ifname, TcAttachPoint point, FakeFilter filter, string netns = "")
    {
        lock (_gate)
        {
            FakeInterface i = Interface(ifname, netns);
            i.Clsact = true;
            (point == TcAttachPoint.Ingress ? i.Ingress : i.Egress).Add(filter);
        }
        return this;
    }

    /// <summary>The interface as the fake kernel has it now (for assertions on the end state).</summary>
    public FakeInterface Interface(string ifname, string netns = "")
    {
        lock (_gate)
            return _namespaces[netns].Interfaces.Values.Single(i => i.Name == ifname);
    }

    /// <summary>(drv, skb, hw) program ids on an interface.</summary>
    public (uint Drv, uint Skb, uint Hw) XdpOf(string ifname, string netns = "")
    {
        lock (_gate)
        {
            FakeInterface i = Interface(ifname, netns);
            return (i.XdpDrv, i.XdpSkb, i.XdpHw);
        }
    }

    public ulong CookieOf(string netns = "")
    {
        lock (_gate) return _namespaces[netns].Cookie;
    }

    /// <summary>
    /// Deletes a namespace and makes a new one of the same name that gets the old one's inode, as the kernel may
    /// (a new cookie, though, and no interfaces but lo).
    /// </summary>
    public FakeBpfSystem ReplaceNamespace(string name)
    {
        lock (_gate)
        {
            ulong inode = _namespaces[name].Inode;
            var ns = new FakeNamespace(name, inode, ++_nextCookie);
            ns.Interfaces[1] = new FakeInterface(1, "lo", name);
            _namespaces[name] = ns;
        }
        return this;
    }

    /// <summary>Deletes a namespace, as `ip netns del` would.</summary>
    public FakeBpfSystem RemoveNamespace(string name)
    {
        lock (_gate) _namespaces.Remove(name);
        return this;
    }

    /// <summary>Deletes an interface, as `ip link del` would.</summary>
    public FakeBpfSystem RemoveInterface(string ifname, string netns = "")
    {
        lock (_gate)
        {
            FakeNamespace ns = _namespaces[netns];
            ns.Interfaces.Remove(ns.Interfaces.Values.Single(i => i.Name == ifname).Index);
        }
        return this;
    }

    /// <summary>Whether the namespace ("" the fake's own) has an interface of that name.</summary>
    public bool HasInterface(string ifname, string netns = "")
    {
        lock (_gate)
            return _namespaces.TryGetValue(netns, out FakeNamespace? ns)
                && ns.Interfaces.Values.Any(i => i.Name == ifname);
    }

    /// <summary>The named namespaces the fake kernel has now (without recording a call).</summary>
    public IReadOnlyList<string> NamespaceNames
    {
        get
        {
            lock (_gate)
                return _namespaces.Keys.Where(n => n.Length > 0).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }
    }

    public int LinkCount
    {
        get { lock (_gate) return _links.Count; }
    }

    public int PinCount
    {
        get { lock (_gate) return _pins.Count; }
    }

    public int OpenFdCount
    {
        get { lock (_gate) return _fds.Count; }
    }

    private FakeNamespace CurrentNamespace => _namespaces[_current.Value!];

    /// <summary>The interface with this index in the calling thread's namespace, or null.</summary>
    private FakeInterface? ByIndex(int ifindex) =>
        CurrentNamespace.Interfaces.TryGetValue(ifindex, out FakeInterface? i) ? i : null;

    /// <summary>How calls name an interface: ns/name, or #index when there is none.</summary>
    private string Where(int ifindex) => ByIndex(ifindex)?.ToString() ?? $"#{ifindex}";

    private string ProgramOf(SafeFdHandle? fd) =>
        TryResolve(fd, Libbpf.ObjectKind.Program, out uint id) ? $"prog {id}" : "prog ?";
}
