using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>statx for a file's type: the only way to tell a FIFO from a regular file without opening it.</summary>
internal static unsafe partial class Libc
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    internal const int FileTypeMask = 0xf000, RegularFile = 0x8000;

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buf);

    /// <summary>The S_IFMT bits of path's mode (symlinks followed).</summary>
    // struct statx has the same layout on every architecture, unlike struct stat.
    internal static Result<int> FileType(string path)
    {
        byte* buf = stackalloc byte[256];
        if (statx(AtFdCwd, path, 0, StatxType, buf) != 0)
            return Result.LastErrno();
        return *(ushort*)(buf + 28) & FileTypeMask; // stx_mode
    }
}
