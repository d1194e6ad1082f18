using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>An advisory lock on a file (flock), held until its fd is closed, also across processes.</summary>
internal static unsafe partial class Libc
{
    private const int OpenReadWrite = 2, OpenCreate = 0x40, LockExclusive = 2, LockNonBlocking = 4;
    private const int AtEmptyPath = 0x1000;
    private const uint OwnerReadWrite = 0x180; // 0600
    private const uint StatxIno = 0x100;

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

    /// <summary>
    /// Locks path exclusively without waiting: EAGAIN while another holds it. A holder may unlink the file before it
    /// lets go (so lock files do not pile up), so a lock won on a file that is no longer at path is given up and
    /// tried again on the file that is there now.
    /// </summary>
    internal static Result<SafeFdHandle> TryLockFile(string path)
    {
        while (true)
        {
            int fd = open(path, OpenReadWrite | OpenCreate | OpenCloseOnExec, OwnerReadWrite);
            if (fd < 0)
                return Result.LastErrno();
            var handle = new SafeFdHandle(fd);
            int locked;
            while ((locked = flock(fd, LockExclusive | LockNonBlocking)) != 0 && Result.LastErrno() == Errno.EINTR)
            {
            }
            if (locked != 0)
            {
                Errno errno = Result.LastErrno();
                handle.Dispose();
                return errno; // EWOULDBLOCK is EAGAIN on Linux
            }
            Result<ulong> held = Inode(fd, ""), there = Inode(AtFdCwd, path);
            if (held.Ok && there.Ok && held.Value == there.Value)
                return handle;
            handle.Dispose();
            if (!held.Ok)
                return held.Errno;
            if (!there.Ok && there.Errno != Errno.ENOENT)
                return there.Errno;
        }
    }

    /// <summary>A file's device and inode as /proc/locks writes them ("00:1a:1234": major, minor in hex).</summary>
    internal static Result<string> FileLockId(string path)
    {
        byte* buf = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxIno, buf) != 0)
            return Result.LastErrno();
        uint major = *(uint*)(buf + 136), minor = *(uint*)(buf + 140); // stx_dev_major, stx_dev_minor
        return $"{major:x2}:{minor:x2}:{*(ulong*)(buf + 32)}";
    }

    private static Result<ulong> Inode(int dirfd, string path)
    {
        byte* buf = stackalloc byte[256];
        if (statx(dirfd, path, path.Length == 0 ? AtEmptyPath : 0, StatxIno, buf) != 0)
            return Result.LastErrno();
        return *(ulong*)(buf + 32); // stx_ino
    }
}
