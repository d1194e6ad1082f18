using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>Walking the kernel's program, map and link ids, opening them, reading their info; pins.</summary>
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

    /// <summary>struct bpf_func_info (uapi): where a function of a program starts and its BTF FUNC type.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfFuncInfo
    {
        public uint InsnOff, TypeId;
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

    /// <summary>
    /// struct bpf_link_info's common head (type, id, prog_id) and its union read as 32-bit words: Ifindex and
    /// AttachType name the first two as xdp, tcx and netkit use them; other link types put their own fields in
    /// the same words (netns: inode, attach type; cgroup: id in the first two, attach type in Word2; tracing:
    /// attach type, target object id, target BTF id; netfilter: pf, hook, priority, flags).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfLinkInfo
    {
        public uint Type, Id, ProgId, Pad;
        public uint Ifindex, AttachType;
        public uint Word2, Word3;
        public fixed ulong Rest[5];
    }

    internal enum ObjectKind { Program, Map, Link }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_get_next_id(uint start, uint* next);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_get_next_id(uint start, uint* next);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_get_next_id(uint start, uint* next);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_prog_get_fd_by_id(uint id);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_get_fd_by_id(uint id);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_get_fd_by_id(uint id);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_obj_get_info_by_fd(int fd, void* info, uint* len);

    [LibraryImport(Libraries.Libbpf, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int bpf_obj_get(string path);

    [LibraryImport(Libraries.Libbpf, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int bpf_obj_pin(int fd, string path);

    /// <summary>The next id after start; ENOENT when there is none.</summary>
    internal static Result<uint> NextId(ObjectKind kind, uint start)
    {
        uint next;
        int rc = kind switch
        {
            ObjectKind.Program => bpf_prog_get_next_id(start, &next),
            ObjectKind.Map => bpf_map_get_next_id(start, &next),
            _ => bpf_link_get_next_id(start, &next),
        };
        return rc == 0 ? next : (Errno)(-rc);
    }

    /// <summary>An fd of our own for an id; ENOENT when the object went away between listing and opening.</summary>
    internal static Result<SafeFdHandle> FdById(ObjectKind kind, uint id)
    {
        int fd = kind switch
        {
            ObjectKind.Program => bpf_prog_get_fd_by_id(id),
            ObjectKind.Map => bpf_map_get_fd_by_id(id),
            _ => bpf_link_get_fd_by_id(id),
        };
        return fd >= 0 ? new SafeFdHandle(fd) : (Errno)(-fd);
    }

    internal static Result<T> GetInfo<T>(SafeFdHandle fd) where T : unmanaged
    {
        T info = default;
        uint len = (uint)sizeof(T);
        int rc = bpf_obj_get_info_by_fd(fd.Fd, &info, &len);
        return rc < 0 ? (Errno)(-rc) : info;
    }

    /// <summary>A second info call that fills arrays the request points at (a program's map ids, say).</summary>
    internal static Result GetInfoInto<T>(SafeFdHandle fd, ref T request) where T : unmanaged
    {
        uint len = (uint)sizeof(T);
        fixed (T* p = &request)
            return Result.FromReturn(bpf_obj_get_info_by_fd(fd.Fd, p, &len));
    }

    /// <summary>
    /// The first function info record of a program (its main function, at instruction 0): the BTF FUNC type that
    /// names it in full, where the kernel keeps 15 characters. ENOENT when the program has no function info.
    /// </summary>
    internal static Result<BpfFuncInfo> MainFunction(SafeFdHandle fd)
    {
        BpfFuncInfo first = default;
        var request = new BpfProgInfo
        {
            NrFuncInfo = 1, FuncInfoRecSize = (uint)sizeof(BpfFuncInfo), FuncInfo = (ulong)&first,
        };
        Result read = GetInfoInto(fd, ref request);
        if (!read.Ok)
            return read.Errno;
        return request.NrFuncInfo == 0 ? Errno.ENOENT : first;
    }

    /// <summary>Opens whatever is pinned at path (program, map or link; the caller checks which).</summary>
    internal static Result<SafeFdHandle> ObjGet(string path)
    {
        int fd = bpf_obj_get(path);
        return fd >= 0 ? new SafeFdHandle(fd) : (Errno)(-fd);
    }

    internal static Result ObjPin(SafeFdHandle fd, string path) => Result.FromReturn(bpf_obj_pin(fd.Fd, path));

    /// <summary>A NUL-terminated name from a fixed 16-byte kernel field (BPF_OBJ_NAME_LEN).</summary>
    internal static string FixedName(byte* name)
    {
        int n = 0;
        while (n < 16 && name[n] != 0) n++;
        return System.Text.Encoding.UTF8.GetString(name, n);
    }
}
