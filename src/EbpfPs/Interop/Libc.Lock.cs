using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>An advisory lock on a file (flock), held until its fd is closed, also across processes.</summary>
internal static unsafe partial class Libc
{
    private const int OpenReadWrite = 2, OpenCreate = 0x40, LockExclusive = 2;
    private const uint OwnerReadWrite = 0x180; // 0600

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags, uint mode);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int flock(int fd, int operation);

    /// <summary>
    /// Opens (creating, mode 0600) and locks path exclusively, waiting for another holder; closing the returned fd
    /// (or the process ending) releases the lock.
    /// </summary>
    internal static Result<SafeFdHandle> LockFile(string path)
    {
        int fd = open(path, OpenReadWrite | OpenCreate | OpenCloseOnExec, OwnerReadWrite);
        if (fd < 0)
            return Result.LastErrno();
        var handle = new SafeFdHandle(fd);
        while (flock(fd, LockExclusive) != 0)
        {
            Errno errno = Result.LastErrno();
            if (errno == Errno.EINTR)
                continue;
            handle.Dispose();
            return errno;
        }
        return handle;
    }
}
