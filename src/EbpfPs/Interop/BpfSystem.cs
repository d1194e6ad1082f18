using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Interop.Kernel;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Interop;

/// <summary>
/// The kernel calls behind the engine's decisions (attach and roll back, list and match, size per-CPU
/// values), as one interface so unit tests can put a fake kernel in its place, the way aya swaps its
/// syscalls in tests. Loading objects and moving map data call the wrappers directly: a fake of those
/// would test nothing.
/// </summary>
internal interface IBpfSystem
{
    /// <summary>Where the module keeps notes across processes (/run/ebpfps): qdisc markers, locks.</summary>
    string StateDirectory { get; }
    /// <summary>The module's own folder on bpffs (/sys/fs/bpf/ebpfps), for pins it makes (tcx links).</summary>
    string PinDirectory { get; }

    /// <summary>The calling thread's namespace's interfaces: name by index, in index order.</summary>
    Result<SortedList<int, string>> Interfaces();
    Result<int> InterfaceIndex(string name);
    string? InterfaceName(int index);

    bool NetNamespaceExists(string name);
    IReadOnlyList<string> NetNamespaces();
    /// <summary>Moves the calling thread into the named network namespace.</summary>
    Result EnterNetNamespace(string name);
    /// <summary>The inode of the calling thread's network namespace (net:[N]).</summary>
    ulong CurrentNetNamespaceInode();
    /// <summary>The calling thread's network namespace cookie (SO_NETNS_COOKIE), never reused unlike inodes.</summary>
    Result<ulong> CurrentNetNamespaceCookie();

    /// <summary>The calling thread's effective capability set (CapEff), one bit per capability.</summary>
    ulong EffectiveCapabilities();

    Result<uint> NextId(Libbpf.ObjectKind kind, uint start);
    Result<SafeFdHandle> FdById(Libbpf.ObjectKind kind, uint id);
    Result<SafeFdHandle> OpenPinned(string path);
    /// <summary>Whether a BPF fd is a program, a map or a link (EINVAL: no BPF object at all).</summary>
    Result<Libbpf.ObjectKind> ObjectKindOf(SafeFdHandle fd);
    /// <summary>Takes an exclusive lock on a file (made if missing) other processes see; Dispose frees it.</summary>
    Result<IDisposable> LockFile(string path);
    /// <summary>LockFile without waiting: EAGAIN while another process holds it.</summary>
    Result<IDisposable> TryLockFile(string path);
    Result Pin(SafeFdHandle fd, string path);
    Result<SafeFdHandle> Dup(SafeFdHandle fd);
    Result<Libbpf.BpfProgInfo> ProgramInfo(SafeFdHandle fd);
    /// <summary>Copies the ids of the maps a program uses into ids (sized from ProgramInfo's NrMapIds).</summary>
    Result ProgramMapIds(SafeFdHandle fd, uint[] ids);
    /// <summary>The program's main function record (its BTF FUNC type id); ENOENT without function info.</summary>
    Result<Libbpf.BpfFuncInfo> ProgramMainFunction(SafeFdHandle fd);
    Result<Libbpf.BpfMapInfo> MapInfo(SafeFdHandle fd);
    /// <summary>A program's instructions, machine code and line records (Get-BpfProgramInstruction).</summary>
    Result<ProgramCodeInfo> ProgramCode(SafeFdHandle fd);
    /// <summary>A new map without BTF (New-BpfMap); it lives while the fd or a pin holds it.</summary>
    Result<SafeFdHandle> CreateMap(BpfMapType type, string name, uint keySize, uint valueSize, uint maxEntries,
        uint flags);
    Result<Libbpf.BpfLinkInfo> LinkInfo(SafeFdHandle fd);
    Result<int> PossibleCpus();

    Result<Libbpf.XdpState> XdpQuery(int ifindex);
    /// <summary>Every interface of the calling thread's namespace with its XDP state, from one link dump.</summary>
    Result<List<LinkXdp>> XdpStates();
    Result XdpAttach(int ifindex, SafeFdHandle program, XdpFlags flags, SafeFdHandle? expected);
    /// <summary>Detaches the program in a mode; with Replace only if expected is the program there.</summary>
    Result XdpDetach(int ifindex, XdpFlags flags, SafeFdHandle? expected = null);

    Result TcHookCreate(int ifindex);
    Result TcHookDestroy(int ifindex);
    Result<Libbpf.TcFilterId> TcAttach(int ifindex, TcAttachPoint point, SafeFdHandle program, uint handle,
        uint priority, TcFlags flags);
    Result TcDetach(int ifindex, TcAttachPoint point, uint handle, uint priority);
    Result<List<TcFilterEntry>> TcFilters(int ifindex, uint parent);
    /// <summary>
    /// The interfaces of the calling thread's namespace with a qdisc at ffff: (clsact or ingress), the only ones
    /// whose clsact hooks can hold filters, from one qdisc dump.
    /// </summary>
    Result<HashSet<int>> ClsactInterfaces();
    /// <summary>The filters of each hook (ifindex, parent), in order, over one netlink socket.</summary>
    Result<List<TcFilterEntry>[]> TcFiltersEach(IReadOnlyList<(int Ifindex, uint Parent)> hooks);

    Result<SafeFdHandle> LinkCreate(SafeFdHandle program, int ifindex, BpfAttachType attachType);
    Result LinkDetach(SafeFdHandle link);
    /// <summary>Makes a link run another program, only while it runs expected (when given).</summary>
    Result LinkUpdate(SafeFdHandle link, SafeFdHandle program, SafeFdHandle? expected);
    Result<uint> QueryAttachedCount(int target, BpfAttachType attachType);
    /// <summary>The ids of the programs attached at a hook (an ifindex for tcx and netkit).</summary>
    Result<uint[]> QueryAttachedPrograms(int target, BpfAttachType attachType);
}

/// <summary>
/// Which IBpfSystem the engine talks to: the real kernel, unless a test put a fake in place for its flow.
/// </summary>
internal static class BpfSystem
{
    private static readonly SeamOverride<IBpfSystem> Seam = new(new LinuxSystem());

    internal static IBpfSystem Current => Seam.Current;

    /// <summary>Puts a fake in place for this async flow until the returned scope is disposed.</summary>
    internal static IDisposable Use(IBpfSystem fake) => Seam.Use(fake);
}

/// <summary>The real kernel: each member is one wrapper call.</summary>
internal sealed class LinuxSystem : IBpfSystem
{
    private const string NetnsDirectory = "/run/netns";

    public string StateDirectory => "/run/ebpfps";
    public string PinDirectory => "/sys/fs/bpf/ebpfps";

    public Result<SortedList<int, string>> Interfaces() => Libc.Interfaces();
    public Result<int> InterfaceIndex(string name) => Libc.NameToIndex(name);
    public string? InterfaceName(int index) => Libc.IndexToName(index);

    public bool NetNamespaceExists(string name) => File.Exists(Path.Combine(NetnsDirectory, name));

    public IReadOnlyList<string> NetNamespaces()
    {
        if (!Directory.Exists(NetnsDirectory))
            return Array.Empty<string>();
        var names = new List<string>();
        foreach (string f in Directory.GetFiles(NetnsDirectory))
            names.Add(Path.GetFileName(f));
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public Result EnterNetNamespace(string name)
    {
        Result<SafeFdHandle> ns = Libc.OpenNetNamespace(Path.Combine(NetnsDirectory, name));
        if (!ns.Ok) return ns.Errno;
        using SafeFdHandle fd = ns.Value;
        return Libc.EnterNetNamespace(fd);
    }

    public ulong CurrentNetNamespaceInode()
    {
        string target = new FileInfo("/proc/thread-self/ns/net").LinkTarget ?? "";
        int open = target.IndexOf('['), close = target.IndexOf(']');
        return open >= 0 && close > open ? ulong.Parse(target.AsSpan(open + 1, close - open - 1)) : 0;
    }

    public Result<ulong> CurrentNetNamespaceCookie() => Libc.NetNamespaceCookie();

    public ulong EffectiveCapabilities()
    {
        foreach (string line in File.ReadLines("/proc/thread-self/status"))
            if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                return ulong.Parse(line.AsSpan(7).Trim(), System.Globalization.NumberStyles.HexNumber);
        return ulong.MaxValue; // no such line: a kernel that does not say, so let the calls themselves answer
    }

    public Result<uint> NextId(Libbpf.ObjectKind kind, uint start) => Libbpf.NextId(kind, start);
    public Result<SafeFdHandle> FdById(Libbpf.ObjectKind kind, uint id) => Libbpf.FdById(kind, id);
    public Result<SafeFdHandle> OpenPinned(string path) => Libbpf.ObjGet(path);
    public Result<Libbpf.ObjectKind> ObjectKindOf(SafeFdHandle fd) => Libc.BpfObjectKind(fd);

    public Result<IDisposable> LockFile(string path)
    {
        Result<SafeFdHandle> locked = Libc.LockFile(path);
        return locked.Ok ? Result<IDisposable>.Success(locked.Value) : locked.Errno;
    }
    public Result<IDisposable> TryLockFile(string path)
    {
        Result<SafeFdHandle> locked = Libc.TryLockFile(path);
        return locked.Ok ? Result<IDisposable>.Success(locked.Value) : locked.Errno;
    }
    public Result Pin(SafeFdHandle fd, string path) => Libbpf.ObjPin(fd, path);
    public Result<SafeFdHandle> Dup(SafeFdHandle fd) => Libc.Dup(fd);
    public Result<Libbpf.BpfProgInfo> ProgramInfo(SafeFdHandle fd) => Libbpf.GetInfo<Libbpf.BpfProgInfo>(fd);

    public unsafe Result ProgramMapIds(SafeFdHandle fd, uint[] ids)
    {
        fixed (uint* p = ids)
        {
            var request = new Libbpf.BpfProgInfo { NrMapIds = (uint)ids.Length, MapIds = (ulong)p };
            return Libbpf.GetInfoInto(fd, ref request);
        }
    }

    public Result<Libbpf.BpfFuncInfo> ProgramMainFunction(SafeFdHandle fd) => Libbpf.MainFunction(fd);
    public Result<Libbpf.BpfMapInfo> MapInfo(SafeFdHandle fd) => Libbpf.GetInfo<Libbpf.BpfMapInfo>(fd);
    public Result<ProgramCodeInfo> ProgramCode(SafeFdHandle fd) => Libbpf.ReadProgramCode(fd);
    public Result<SafeFdHandle> CreateMap(BpfMapType type, string name, uint keySize, uint valueSize,
        uint maxEntries, uint flags) => Libbpf.CreateMap(type, name, keySize, valueSize, maxEntries, flags);
    public Result<Libbpf.BpfLinkInfo> LinkInfo(SafeFdHandle fd) => Libbpf.GetInfo<Libbpf.BpfLinkInfo>(fd);
    public Result<int> PossibleCpus() => Libbpf.PossibleCpus();

    public Result<Libbpf.XdpState> XdpQuery(int ifindex) => Libbpf.XdpQuery(ifindex);
    public Result<List<LinkXdp>> XdpStates() => LinkXdpList.Dump();
    public Result XdpAttach(int ifindex, SafeFdHandle program, XdpFlags flags, SafeFdHandle? expected) =>
        Libbpf.XdpAttach(ifindex, program, flags, expected);
    public Result XdpDetach(int ifindex, XdpFlags flags, SafeFdHandle? expected = null) =>
        Libbpf.XdpDetach(ifindex, flags, expected);

    public Result TcHookCreate(int ifindex) => Libbpf.TcHookCreate(ifindex);
    public Result TcHookDestroy(int ifindex) => Libbpf.TcHookDestroy(ifindex);
    public Result<Libbpf.TcFilterId> TcAttach(int ifindex, TcAttachPoint point, SafeFdHandle program, uint handle,
        uint priority,
        TcFlags flags) => Libbpf.TcAttach(ifindex, point, program, handle, priority, flags);
    public Result TcDetach(int ifindex, TcAttachPoint point, uint handle, uint priority) =>
        Libbpf.TcDetach(ifindex, point, handle, priority);
    public Result<List<TcFilterEntry>> TcFilters(int ifindex, uint parent) => TcFilterList.Dump(ifindex, parent);
    public Result<HashSet<int>> ClsactInterfaces() => QdiscList.ClsactInterfaces();
    public Result<List<TcFilterEntry>[]> TcFiltersEach(IReadOnlyList<(int Ifindex, uint Parent)> hooks) =>
        TcFilterList.DumpEach(hooks);

    public Result<SafeFdHandle> LinkCreate(SafeFdHandle program, int ifindex, BpfAttachType attachType) =>
        Libbpf.LinkCreate(program, ifindex, attachType);
    public Result LinkDetach(SafeFdHandle link) => Libbpf.LinkDetach(link);
    public Result LinkUpdate(SafeFdHandle link, SafeFdHandle program, SafeFdHandle? expected) =>
        Libbpf.LinkUpdate(link, program, expected);
    public Result<uint> QueryAttachedCount(int target, BpfAttachType attachType) =>
        Libbpf.QueryAttachedCount(target, attachType);
    public Result<uint[]> QueryAttachedPrograms(int target, BpfAttachType attachType) =>
        Libbpf.QueryAttachedPrograms(target, attachType);
}
