using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>BPF links (tcx): created with bpf_link_create, alive while an fd or a pin holds them.</summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_create(int progFd, int targetFd, int attachType, nint opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_detach(int linkFd);

    /// <summary>For tcx the target is an ifindex, not an fd.</summary>
    internal static Result<SafeFdHandle> LinkCreate(SafeFdHandle program, int ifindex, BpfAttachType attachType)
    {
        int fd = bpf_link_create(program.Fd, ifindex, (int)attachType, 0);
        return fd >= 0 ? new SafeFdHandle(fd) : (Errno)(-fd);
    }

    internal static Result LinkDetach(SafeFdHandle link) => Result.FromReturn(bpf_link_detach(link.Fd));

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_link_update(int linkFd, int newProgFd, LinkUpdateOpts* opts);

    [StructLayout(LayoutKind.Sequential)]
    private struct LinkUpdateOpts
    {
        public nuint Sz;
        public uint Flags;
        public uint OldProgFd;
    }

    /// <summary>
    /// Swaps the program a link runs in one step (BPF_LINK_UPDATE); with expected, only while the link still runs
    /// that program (BPF_F_REPLACE), so a program another process put there is never overwritten by accident.
    /// </summary>
    internal static Result LinkUpdate(SafeFdHandle link, SafeFdHandle program, SafeFdHandle? expected)
    {
        var opts = new LinkUpdateOpts
        {
            Sz = (nuint)sizeof(LinkUpdateOpts),
            Flags = expected is null ? 0 : (uint)AttachFlags.Replace,
            OldProgFd = expected is null ? 0 : (uint)expected.Fd,
        };
        return Result.FromReturn(bpf_link_update(link.Fd, program.Fd, &opts));
    }
}
