using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Text;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Tests.Fakes;

/// <summary>Interfaces, namespaces, ids, fds, object info and pins of the fake kernel.</summary>
internal sealed partial class FakeBpfSystem
{
    public Result<SortedList<int, string>> Interfaces()
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(Interfaces), $"Interfaces {Label(_current.Value!)}");
            if (failed != Errno.None) return failed;
            return new SortedList<int, string>(
                CurrentNamespace.Interfaces.Values.ToDictionary(i => i.Index, i => i.Name));
        }
    }

    public Result<int> InterfaceIndex(string name)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(InterfaceIndex), $"InterfaceIndex {Label(_current.Value!)}/{name}");
            if (failed != Errno.None) return failed;
            FakeInterface? i = CurrentNamespace.Interfaces.Values.FirstOrDefault(x => x.Name == name);
            return i is null ? Answer(Errno.ENODEV) : i.Index;
        }
    }

    public string? InterfaceName(int index)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(InterfaceName), $"InterfaceName {Label(_current.Value!)}/#{index}");
            return failed != Errno.None ? null : ByIndex(index)?.Name;
        }
    }

    public bool NetNamespaceExists(string name)
    {
        lock (_gate)
            return Enter(nameof(NetNamespaceExists), $"NetNamespaceExists {name}") == Errno.None && name.Length > 0
                   && _namespaces.ContainsKey(name);
    }

    public IReadOnlyList<string> NetNamespaces()
    {
        lock (_gate)
        {
            Enter(nameof(NetNamespaces), "NetNamespaces");
            return _namespaces.Keys.Where(n => n.Length > 0).OrderBy(n => n, StringComparer.Ordinal).ToArray();
        }
    }

    public Result EnterNetNamespace(string name)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(EnterNetNamespace), $"EnterNetNamespace {name}");
            if (failed != Errno.None) return failed;
            if (!_namespaces.ContainsKey(name)) return Answer(Errno.ENOENT);
            _current.Value = name;
            return Result.Success;
        }
    }

    public ulong CurrentNetNamespaceInode()
    {
        lock (_gate)
        {
            Enter(nameof(CurrentNetNamespaceInode), $"CurrentNetNamespaceInode {Label(_current.Value!)}");
            return CurrentNamespace.Inode;
        }
    }

    public Result<ulong> CurrentNetNamespaceCookie()
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(CurrentNetNamespaceCookie),
                $"CurrentNetNamespaceCookie {Label(_current.Value!)}");
            return failed != Errno.None ? failed : CurrentNamespace.Cookie;
        }
    }

    public Result<Libbpf.ObjectKind> ObjectKindOf(SafeFdHandle fd)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(ObjectKindOf), $"ObjectKindOf {fd.Fd}");
            if (failed != Errno.None) return failed;
            return _fds.TryGetValue(fd.Fd, out var target) ? target.Kind : Answer(Errno.EINVAL);
        }
    }

    /// <summary>
    /// A lock the engine holds while it changes TC hooks; the fake records when it is taken and released (what
    /// LockFile guards across processes, a test checks by watching these calls around the mutations).
    /// </summary>
    public Result<IDisposable> LockFile(string path)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(LockFile), $"LockFile {Path.GetFileName(path)}");
            if (failed != Errno.None) return failed;
            _heldLocks++;
            return Result<IDisposable>.Success(new FakeLock(this, path));
        }
    }

    private sealed class FakeLock : IDisposable
    {
        private FakeBpfSystem? _owner;
        private readonly string _path;

        public FakeLock(FakeBpfSystem owner, string path)
        {
            _owner = owner;
            _path = path;
        }

        public void Dispose()
        {
            FakeBpfSystem? owner = System.Threading.Interlocked.Exchange(ref _owner, null);
            if (owner is null) return;
            lock (owner._gate)
            {
                owner._heldLocks--;
                owner._calls.Add(new FakeCall("Unlock", $"Unlock {Path.GetFileName(_path)}", Errno.None));
            }
        }
    }

    /// <summary>Not recorded as a call: it reads the process's own state, as every cmdlet does first.</summary>
    public ulong EffectiveCapabilities()
    {
        lock (_gate) return Capabilities;
    }

    public Result<uint> NextId(Libbpf.ObjectKind kind, uint start)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(NextId), $"NextId {kind} {start}");
            if (failed != Errno.None) return failed;
            IEnumerable<uint> ids = kind switch
            {
                Libbpf.ObjectKind.Program => _programs.Keys,
                Libbpf.ObjectKind.Map => _maps.Keys,
                _ => _links.Keys,
            };
            uint next = ids.Where(id => id > start).DefaultIfEmpty(0u).Min();
            return next == 0 ? Answer(Errno.ENOENT) : next;
        }
    }

    public Result<SafeFdHandle> FdById(Libbpf.ObjectKind kind, uint id)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(FdById), $"FdById {kind} {id}");
            if (failed != Errno.None) return failed;
            bool exists = kind switch
            {
                Libbpf.ObjectKind.Program => _programs.ContainsKey(id),
                Libbpf.ObjectKind.Map => _maps.ContainsKey(id),
                _ => _links.ContainsKey(id),
            };
            return exists ? NewFd(kind, id) : Answer(Errno.ENOENT);
        }
    }

    public Result<SafeFdHandle> OpenPinned(string path)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(OpenPinned), $"OpenPinned {path}");
            if (failed != Errno.None) return failed;
            // A pin the engine deleted as a file is gone, as on bpffs.
            if (_pins.ContainsKey(path) && path.StartsWith(PinDirectory, StringComparison.Ordinal)
                && !File.Exists(path))
                _pins.Remove(path);
            return _pins.TryGetValue(path, out var pinned) ? NewFd(pinned.Kind, pinned.Id) : Answer(Errno.ENOENT);
        }
    }

    public Result Pin(SafeFdHandle fd, string path)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(Pin), $"Pin {path}");
            if (failed != Errno.None) return failed;
            if (fd.IsInvalid || !_fds.TryGetValue(fd.Fd, out var target)) return Answer(Errno.EBADF);
            if (path.StartsWith(PinDirectory, StringComparison.Ordinal))
            {
                // Under the fake's bpffs folder a pin is a file too, so the engine finds and removes it as on bpffs.
                if (!Directory.Exists(Path.GetDirectoryName(path))) return Answer(Errno.ENOENT);
                if (File.Exists(path)) return Answer(Errno.EEXIST);
                File.WriteAllText(path, "");
                _pins[path] = target;
                return Result.Success;
            }
            if (!_pins.TryAdd(path, target)) return Answer(Errno.EEXIST);
            return Result.Success;
        }
    }

    public Result<SafeFdHandle> Dup(SafeFdHandle fd)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(Dup), $"Dup {fd.Fd}");
            if (failed != Errno.None) return failed;
            return _fds.TryGetValue(fd.Fd, out var target) ? NewFd(target.Kind, target.Id) : Answer(Errno.EBADF);
        }
    }

    public unsafe Result<Libbpf.BpfProgInfo> ProgramInfo(SafeFdHandle fd)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(ProgramInfo), $"ProgramInfo {ProgramOf(fd)}");
            if (failed != Errno.None) return failed;
            if (!TryResolve(fd, Libbpf.ObjectKind.Program, out uint id)
                || !_programs.TryGetValue(id, out FakeProgram? p))
                return Answer(Errno.EBADF);
            var info = new Libbpf.BpfProgInfo
            {
                Type = (uint)p.Type, Id = p.Id, Tag = p.Tag, NrMapIds = (uint)p.MapIds.Length,
                XlatedProgLen = 64, JitedProgLen = 48,
            };
            byte[] name = Encoding.UTF8.GetBytes(p.Name);
            for (int i = 0; i < Math.Min(name.Length, 15); i++)
                info.Name[i] = name[i];
            return info;
        }
    }

    public Result ProgramMapIds(SafeFdHandle fd, uint[] ids)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(ProgramMapIds), $"ProgramMapIds {ProgramOf(fd)}");
            if (failed != Errno.None) return failed;
            if (!TryResolve(fd, Libbpf.ObjectKind.Program, out uint id)) return Answer(Errno.EBADF);
            _programs[id].MapIds.AsSpan(0, Math.Min(ids.Length, _programs[id].MapIds.Length)).CopyTo(ids);
            return Result.Success;
        }
    }

    /// <summary>Fake programs carry no BTF, so they have no function info (the kernel's name is their name).</summary>
    public Result<Libbpf.BpfFuncInfo> ProgramMainFunction(SafeFdHandle fd)
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(ProgramMainFunction), $"ProgramMainFunction {ProgramOf(fd)}");
            if (failed != Errno.None) return failed;
            return TryResolve(fd, Libbpf.ObjectKind.Program, out _) ? Answer(Errno.ENOENT) : Answer(Errno.EBADF);
        }
    }

    public unsafe Result<Libbpf.BpfMapInfo> MapInfo(SafeFdHandle fd)
    {
        lock (_gate)
        {
            bool known = TryResolve(fd, Libbpf.ObjectKind.Map, out uint id);
            Errno failed = Enter(nameof(MapInfo), $"MapInfo map {(known ? id : "?")}");
            if (failed != Errno.None) return failed;
            if (!known || !_maps.TryGetValue(id, out FakeMap? m)) return Answer(Errno.EBADF);
            var info = new Libbpf.BpfMapInfo
            {
                Type = (uint)m.Type, Id = m.Id, KeySize = m.KeySize, ValueSize = m.ValueSize, MaxEntries = m.MaxEntries,
            };
            byte[] name = Encoding.UTF8.GetBytes(m.Name);
            for (int i = 0; i < Math.Min(name.Length, 15); i++)
                info.Name[i] = name[i];
            return info;
        }
    }

    public Result<Libbpf.BpfLinkInfo> LinkInfo(SafeFdHandle fd)
    {
        lock (_gate)
        {
            bool known = TryResolve(fd, Libbpf.ObjectKind.Link, out uint id);
            Errno failed = Enter(nameof(LinkInfo), $"LinkInfo link {(known ? id : "?")}");
            if (failed != Errno.None) return failed;
            if (!known || !_links.TryGetValue(id, out FakeLink? l)) return Answer(Errno.EBADF);
            return new Libbpf.BpfLinkInfo
            {
                Type = (uint)BpfLinkType.Tcx, Id = l.Id, ProgId = l.ProgramId, Ifindex = (uint)l.Ifindex,
                AttachType = (uint)l.AttachType,
            };
        }
    }

    public Result<int> PossibleCpus()
    {
        lock (_gate)
        {
            Errno failed = Enter(nameof(PossibleCpus), "PossibleCpus");
            return failed != Errno.None ? failed : Cpus;
        }
    }

    private static string Label(string netns) => netns.Length == 0 ? "(own)" : netns;
}
