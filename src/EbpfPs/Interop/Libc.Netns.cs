using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>The network namespace cookie: a 64-bit id the kernel never gives to a second namespace.</summary>
internal static unsafe partial class Libc
{
    private const int AfUnix = 1, SockDgram = 2, SockCloexec = 0x80000, SolSocket = 1, SoNetnsCookie = 71;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, void* value, uint* length);

    /// <summary>
    /// The cookie of the calling thread's network namespace, read from a socket made in it (SO_NETNS_COOKIE, Linux
    /// 5.14+; ENOPROTOOPT before). Unlike the inode, a cookie is not reused once the namespace is gone.
    /// </summary>
    internal static Result<ulong> NetNamespaceCookie()
    {
        int fd = socket(AfUnix, SockDgram | SockCloexec, 0);
        if (fd < 0)
            return Result.LastErrno();
        using var socketFd = new SafeFdHandle(fd);
        ulong cookie = 0;
        uint length = sizeof(ulong);
        if (getsockopt(fd, SolSocket, SoNetnsCookie, &cookie, &length) != 0)
            return Result.LastErrno();
        return cookie;
    }
}
