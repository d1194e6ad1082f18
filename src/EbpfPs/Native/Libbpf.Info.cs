using System.Runtime.InteropServices;
using EbpfPs.Engine;

namespace EbpfPs.Native;

/// <summary>Walking the kernel's program and map ids and reading their info (what bpftool show does).</summary>
internal static unsafe partial class Libbpf
{
    /// <summary>struct bpf_prog_info (uapi, kernel 6.x); the kernel fills as much as we say we know.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfProgInfo
    {
        public uint Type, Id;
        public ulong Tag;
        public uint JitedProgLen, XlatedProgLen;
        public ulong JitedProgInsns, XlatedProgInsns;
        public ulong LoadTime;
        public uint CreatedByUid, NrMapIds;
        public ulong MapIds;
        public fixed byte Name[16];
        public uint Ifindex;
        public uint GplCompatible;
        public ulong NetnsDev, NetnsIno;
        public uint NrJitedKsyms, NrJitedFuncLens;
        public ulong JitedKsyms, JitedFuncLens;
        public uint BtfId, FuncInfoRecSize;
        public ulong FuncInfo;
        public uint NrFuncInfo, NrLineInfo;
        public ulong LineInfo, JitedLineInfo;
        public uint NrJitedLineInfo, LineInfoRecSize, JitedLineInfoRecSize, NrProgTags;
        public ulong ProgTags;
        public ulong RunTimeNs, RunCnt, RecursionMisses;
        public uint VerifiedInsns, AttachBtfObjId, AttachBtfId, Pad;
    }

    /// <summary>struct bpf_map_info (uapi).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfMapInfo
    {
        public uint Type, Id, KeySize, ValueSize, MaxEntries, MapFlags;
        public fixed byte Name[16];
        public uint Ifindex, BtfVmlinuxValueTypeId;
        public ulong NetnsDev, NetnsIno;
        public uint BtfId, BtfKeyTypeId, BtfValueTypeId, Pad;
        public ulong MapExtra;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_get_next_id(uint start, uint* next);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_get_next_id(uint start, uint* next);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_get_fd_by_id(uint id);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_get_fd_by_id(uint id);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_obj_get_info_by_fd(int fd, void* info, uint* len);

    [LibraryImport(Libraries.Libbpf, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int bpf_obj_get(string path);

    [LibraryImport(Libraries.Libbpf, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int bpf_obj_pin(int fd, string path);

    internal enum IdKind { Program, Map }

    /// <summary>The next id after start, or 0 when there is none (ENOENT ends the walk).</summary>
    internal static uint NextId(IdKind kind, uint start)
    {
        uint next;
        int rc = kind == IdKind.Program ? bpf_prog_get_next_id(start, &next) : bpf_map_get_next_id(start, &next);
        if (rc == 0) return next;
        int errno = -rc;
        return errno == LinuxErrno.ENOENT ? 0u : throw BpfException.FromErrno(errno, $"list BPF {kind.ToString().ToLowerInvariant()}s");
    }

    /// <summary>An fd for an id, or null when the object went away between listing and opening.</summary>
    internal static SafeFdHandle? FdById(IdKind kind, uint id)
    {
        int fd = kind == IdKind.Program ? bpf_prog_get_fd_by_id(id) : bpf_map_get_fd_by_id(id);
        if (fd >= 0) return new SafeFdHandle(fd);
        return -fd == LinuxErrno.ENOENT ? null
            : throw BpfException.FromErrno(-fd, $"open BPF {kind.ToString().ToLowerInvariant()} id", id);
    }

    internal static T GetInfo<T>(SafeFdHandle fd, string what) where T : unmanaged
    {
        T info = default;
        uint len = (uint)sizeof(T);
        Check(bpf_obj_get_info_by_fd(fd.Fd, &info, &len), $"read info of {what}");
        return info;
    }

    /// <summary>Fills a second info call's array pointer (map ids of a program, say).</summary>
    internal static void GetInfoRaw(SafeFdHandle fd, void* info, uint len, string what) =>
        Check(bpf_obj_get_info_by_fd(fd.Fd, info, &len), $"read info of {what}");

    internal static SafeFdHandle ObjGet(string path)
    {
        int fd = bpf_obj_get(path);
        return fd < 0 ? throw BpfException.FromErrno(-fd, "open pinned BPF object", path) : new SafeFdHandle(fd);
    }

    internal static void ObjPin(SafeFdHandle fd, string path) => Check(bpf_obj_pin(fd.Fd, path), "pin BPF object at", path);

    internal static string FixedName(byte* name)
    {
        int n = 0;
        while (n < 16 && name[n] != 0) n++;
        return System.Text.Encoding.UTF8.GetString(name, n);
    }
}
