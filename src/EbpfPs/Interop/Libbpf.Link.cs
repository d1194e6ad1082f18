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
}
