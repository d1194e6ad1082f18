using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Interop.Netlink;

namespace EbpfPs.Tests.Fakes;

/// <summary>
/// clsact and cls_bpf as the kernel and libbpf's bpf_tc_* decide them: a filter needs the qdisc (EINVAL),
/// a taken priority/handle needs BPF_TC_F_REPLACE (EEXIST), priority 0 gets the next one below the lowest in
/// use (from 0xC000, as tcf_auto_prio does), handle 0 gets 1; destroying the qdisc takes its filters along.
/// tcx links are per interface and direction, counted by BPF_PROG_QUERY.
/// </summary>
internal sealed partial class FakeBpfSystem
{
    private const uint FirstAutoPriority = 0xC000;
    private const ushort EthPAll = 0x0003;

    public Result TcHookCreate(int ifindex)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(TcHookCreate), $"TcHookCreate {Where(ifindex)}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            if (i.Clsact) return Answer(Errno.EEXIST);
            i.Clsact = true;
            return Result.Success;
        }
    }

    public Result TcHookDestroy(int ifindex)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(TcHookDestroy), $"TcHookDestroy {Where(ifindex)}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            if (!i.Clsact) return Answer(Errno.EINVAL);
            i.Clsact = false;
            i.Ingress.Clear();
            i.Egress.Clear();
            return Result.Success;
        }
    }

    public Result<Libbpf.TcFilterId> TcAttach(int ifindex, TcAttachPoint point, SafeFdHandle program, uint handle,
        uint priority, TcFlags flags)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(TcAttach),
                $"TcAttach {Where(ifindex)} {point} {ProgramOf(program)} handle {handle} priority {priority} {flags}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            if (!TryResolve(program, Libbpf.ObjectKind.Program, out uint id)) return Answer(Errno.EBADF);
            bool replace = (flags & TcFlags.Replace) != 0;
            if (replace && (handle == 0 || priority == 0)) return Answer(Errno.EINVAL); // libbpf's own check
            if (!i.Clsact) return Answer(Errno.EINVAL);
            List<FakeFilter> hook = Hook(i, point);
            if (priority == 0)
                priority = hook.Count == 0 ? FirstAutoPriority : hook.Min(f => f.Priority) - 1;
            if (handle == 0)
                handle = 1;
            int at = hook.FindIndex(f => f.Priority == priority && f.Handle == handle);
            if (at >= 0 && !replace) return Answer(Errno.EEXIST);
            var filter = new FakeFilter(priority, handle, id, "bpf", DirectAction: true, Name: _programs[id].Name);
            if (at >= 0) hook[at] = filter;
            else hook.Add(filter);
            return new Libbpf.TcFilterId(handle, priority, id);
        }
    }

    public Result TcDetach(int ifindex, TcAttachPoint point, uint handle, uint priority)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(TcDetach),
                $"TcDetach {Where(ifindex)} {point} handle {handle} priority {priority}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            if (handle == 0 || priority == 0) return Answer(Errno.EINVAL);
            if (!i.Clsact) return Answer(Errno.EINVAL);
            int removed = Hook(i, point).RemoveAll(f => f.Priority == priority && f.Handle == handle);
            return removed == 0 ? Answer(Errno.ENOENT) : Result.Success;
        }
    }

    public Result<List<TcFilterEntry>> TcFilters(int ifindex, uint parent)
    {
        lock (_gate)
        {
            TcAttachPoint point = parent == TcParent.ClsactIngress ? TcAttachPoint.Ingress : TcAttachPoint.Egress;
            Errno failed = Enter(nameof(TcFilters), $"TcFilters {Where(ifindex)} {point}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is not FakeInterface i) return Answer(Errno.ENODEV);
            // Like TcFilterList.Dump: no qdisc means no filters, not an error.
            return Hook(i, point).OrderBy(f => f.Priority).ThenBy(f => f.Handle)
                .Select(f => new TcFilterEntry(f.Kind, f.Handle, f.Priority, EthPAll, f.ProgramId, f.Name,
                    f.DirectAction))
                .ToList();
        }
    }

    /// <summary>One qdisc dump: the interfaces of the calling thread's namespace with clsact.</summary>
    public Result<HashSet<int>> ClsactInterfaces()
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(ClsactInterfaces), "ClsactInterfaces");
            if (failed != Errno.None) return failed;
            return CurrentNamespace.Interfaces.Values.Where(i => i.Clsact).Select(i => i.Index).ToHashSet();
        }
    }

    /// <summary>Each hook's filters, as TcFilters answers for it; the first failure ends the batch.</summary>
    public Result<List<TcFilterEntry>[]> TcFiltersEach(IReadOnlyList<(int Ifindex, uint Parent)> hooks)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(TcFiltersEach), $"TcFiltersEach {hooks.Count} hooks");
            if (failed != Errno.None) return failed;
        }
        var result = new List<TcFilterEntry>[hooks.Count];
        for (int n = 0; n < hooks.Count; n++)
        {
            Result<List<TcFilterEntry>> one = TcFilters(hooks[n].Ifindex, hooks[n].Parent);
            if (!one.Ok) return one.Errno;
            result[n] = one.Value;
        }
        return result;
    }

    public Result<SafeFdHandle> LinkCreate(SafeFdHandle program, int ifindex, BpfAttachType attachType)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(LinkCreate), $"LinkCreate {Where(ifindex)} {ProgramOf(program)} {attachType}");
            if (failed != Errno.None) return failed;
            if (ByIndex(ifindex) is null) return Answer(Errno.ENODEV);
            if (!TryResolve(program, Libbpf.ObjectKind.Program, out uint id)) return Answer(Errno.EBADF);
            var link = new FakeLink(++_nextLinkId, id, ifindex, attachType, _current.Value!);
            _links[link.Id] = link;
            return NewFd(Libbpf.ObjectKind.Link, link.Id);
        }
    }

    public Result LinkDetach(SafeFdHandle link)
    {
        lock (_gate)
        {
            bool known = TryResolve(link, Libbpf.ObjectKind.Link, out uint id);
            Errno failed = Enter(nameof(LinkDetach), $"LinkDetach link {(known ? id.ToString() : "?")}");
            if (failed != Errno.None) return failed;
            return known && _links.Remove(id) ? Result.Success : Answer(Errno.EBADF);
        }
    }

    public Result LinkUpdate(SafeFdHandle link, SafeFdHandle program, SafeFdHandle? expected)
    {
        lock (_gate)
        {
            bool known = TryResolve(link, Libbpf.ObjectKind.Link, out uint id);
            Errno failed = Enter(nameof(LinkUpdate), $"LinkUpdate link {(known ? id.ToString() : "?")} " +
                $"{ProgramOf(program)}");
            if (failed != Errno.None) return failed;
            if (!known || !_links.TryGetValue(id, out FakeLink? current)) return Answer(Errno.EBADF);
            if (!TryResolve(program, Libbpf.ObjectKind.Program, out uint programId)) return Answer(Errno.EBADF);
            if (expected is not null
                && (!TryResolve(expected, Libbpf.ObjectKind.Program, out uint old) || old != current.ProgramId))
                return Answer(Errno.EPERM);
            _links[id] = current with { ProgramId = programId };
            return Result.Success;
        }
    }

    public Result<uint> QueryAttachedCount(int target, BpfAttachType attachType)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(QueryAttachedCount), $"QueryAttachedCount {Where(target)} {attachType}");
            if (failed != Errno.None) return failed;
            return (uint)_links.Values.Count(l =>
                l.Ifindex == target && l.AttachType == attachType && l.NetNamespace == _current.Value);
        }
    }

    public Result<uint[]> QueryAttachedPrograms(int target, BpfAttachType attachType)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(QueryAttachedPrograms), $"QueryAttachedPrograms {Where(target)} {attachType}");
            if (failed != Errno.None) return failed;
            return _links.Values.Where(l => l.Ifindex == target && l.AttachType == attachType
                && l.NetNamespace == _current.Value).Select(l => l.ProgramId).ToArray();
        }
    }

    private static List<FakeFilter> Hook(FakeInterface i, TcAttachPoint point) =>
        point == TcAttachPoint.Ingress ? i.Ingress : i.Egress;
}
