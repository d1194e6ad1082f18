using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// errno values the engine decides on (the same numbers on every Linux architecture we run on), plus the
/// kernel-internal ENOTSUPP that BPF syscalls leak and the start of libbpf's own codes.
/// </summary>
internal enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EIO = 5,
    E2BIG = 7,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    ENOSPC = 28,
    ERANGE = 34,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENODATA = 61,
    EOPNOTSUPP = 95,
    ENOBUFS = 105,
    ECANCELED = 125,
    /// <summary>Kernel-internal "not supported" (ENOTSUPP); BPF syscalls return it to user space.</summary>
    ENOTSUPP = 524,
    /// <summary>LIBBPF_ERRNO__START: libbpf's own codes (bad ELF, bad relocation, ...) begin here.</summary>
    LibbpfFirst = 4000,
    LibbpfLast = 4099,
}

/// <summary>What an errno means, in the words strerror and libbpf use.</summary>
internal static class ErrnoText
{
    internal static string Describe(Errno errno) => Describe((int)errno);

    internal static string Describe(int errno)
    {
        errno = System.Math.Abs(errno);
        if (errno >= (int)Errno.LibbpfFirst || errno == (int)Errno.ENOTSUPP)
            return Libbpf.StrError(errno);
        return Marshal.GetPInvokeErrorMessage(errno);
    }

    /// <summary>True for libbpf's own error codes (object format problems rather than kernel refusals).</summary>
    internal static bool IsLibbpfCode(Errno errno) => errno is >= Errno.LibbpfFirst and <= Errno.LibbpfLast;
}
