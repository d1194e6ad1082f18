using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>BPF links (tcx): created with bpf_link_create, alive while an fd or a pin holds them.</summary>
internal static unsafe partial class Libbpf
{
    internal const int AttachTcxIngress = 46, AttachTcxEgress = 47;

    /// <summary>struct bpf_link_info's common head (type, id, prog_id) plus the tcx union member (ifindex, attach_type).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfLinkInfo
    {
        public uint Type, Id, ProgId, Pad;
        public uint Ifindex, AttachType;
        public fixed ulong Rest[6];
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_create(int progFd, int targetFd, int attachType, nint opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_detach(int linkFd);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_get_next_id(uint start, uint* next);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_get_fd_by_id(uint id);

    /// <summary>For tcx the target is an ifindex, not an fd; returns the link fd or -errno.</summary>
    internal static int LinkCreate(int progFd, int ifindex, int attachType) => bpf_link_create(progFd, ifindex, attachType, 0);

    internal static int LinkDetach(SafeFdHandle link) => bpf_link_detach(link.Fd);

    internal static uint NextLinkId(uint start)
    {
        uint next;
        int rc = bpf_link_get_next_id(start, &next);
        return rc == 0 ? next : rc == -Engine.LinuxErrno.ENOENT ? 0u : throw Engine.BpfException.FromErrno(-rc, "list BPF links");
    }

    internal static SafeFdHandle? LinkFdById(uint id)
    {
        int fd = bpf_link_get_fd_by_id(id);
        return fd >= 0 ? new SafeFdHandle(fd) : -fd == Engine.LinuxErrno.ENOENT ? null : throw Engine.BpfException.FromErrno(-fd, "open BPF link id", id);
    }
}
