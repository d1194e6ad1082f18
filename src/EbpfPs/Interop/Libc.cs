using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// The few libc calls the engine needs besides libbpf: fds, interface names, statfs, namespaces, sockets.
/// </summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int dup(int fd);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial uint if_nametoindex(string name);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial nint if_indextoname(uint index, byte* name);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statfs(string path, StatFs* buf);

    /// <summary>struct statfs on 64-bit Linux: only f_type matters to us, the rest is padding.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StatFs
    {
        public long Type;
        public fixed long Rest[15];
    }

    internal static int Close(int fd) => close(fd);

    /// <summary>A second fd on the same kernel object, owned by the caller.</summary>
    internal static Result<SafeFdHandle> Dup(SafeFdHandle fd)
    {
        int copy = dup(fd.Fd);
        return copy >= 0 ? new SafeFdHandle(copy) : Result.LastErrno();
    }

    /// <summary>The index of an interface of the calling thread's namespace, or ENODEV.</summary>
    internal static Result<int> NameToIndex(string name)
    {
        uint index = if_nametoindex(name);
        return index != 0 ? (int)index : Result.LastErrno();
    }

    internal static string? IndexToName(int index)
    {
        byte* buf = stackalloc byte[16];
        return if_indextoname((uint)index, buf) == 0 ? null : Marshal.PtrToStringUTF8((nint)buf);
    }

    /// <summary>The filesystem magic of a path (statfs f_type).</summary>
    internal static Result<long> FileSystemType(string path)
    {
        StatFs buf;
        return statfs(path, &buf) == 0 ? buf.Type : Result.LastErrno();
    }

    internal const long BpfFsMagic = 0xcafe4a11;
}

/// <summary>Interface names and indexes of the calling thread's network namespace.</summary>
internal static unsafe partial class Libc
{
    [StructLayout(LayoutKind.Sequential)]
    private struct IfNameIndex
    {
        public uint Index;
        public nint Name;
    }

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial IfNameIndex* if_nameindex();

    [LibraryImport(Libraries.Libc)]
    private static partial void if_freenameindex(IfNameIndex* list);

    /// <summary>Every interface of the calling thread's namespace: name by index, in index order.</summary>
    internal static Result<SortedList<int, string>> Interfaces()
    {
        IfNameIndex* list = if_nameindex();
        if (list == null)
            return Result.LastErrno();
        var result = new SortedList<int, string>();
        try
        {
            for (IfNameIndex* p = list; p->Index != 0; p++)
                result[(int)p->Index] = Marshal.PtrToStringUTF8(p->Name) ?? "";
        }
        finally
        {
            if_freenameindex(list);
        }
        return result;
    }
}

/// <summary>Entering a network namespace, and the socket calls netlink needs.</summary>
internal static unsafe partial class Libc
{
    private const int CloneNewNet = 0x40000000;
    private const int OpenReadOnly = 0, OpenCloseOnExec = 0x80000;

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int setns(int fd, int nstype);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial nint send(int fd, byte* buf, nuint len, int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial nint recv(int fd, byte* buf, nuint len, int flags);

    /// <summary>An fd on a network namespace file (/run/netns/NAME), for EnterNetNamespace.</summary>
    internal static Result<SafeFdHandle> OpenNetNamespace(string path)
    {
        int fd = open(path, OpenReadOnly | OpenCloseOnExec);
        return fd >= 0 ? new SafeFdHandle(fd) : Result.LastErrno();
    }

    /// <summary>Moves the calling thread (only) into the network namespace.</summary>
    internal static Result EnterNetNamespace(SafeFdHandle ns) => Result.FromLibc(setns(ns.Fd, CloneNewNet));

    internal static int Socket(int domain, int type, int protocol) => socket(domain, type, protocol);

    internal static nint Send(SafeFdHandle fd, byte* buffer, int length) => send(fd.Fd, buffer, (nuint)length, 0);

    internal static nint Receive(SafeFdHandle fd, byte* buffer, int length) => recv(fd.Fd, buffer, (nuint)length, 0);
}

/// <summary>printf formatting for libbpf's log callback.</summary>
internal static unsafe partial class Libc
{
    // va_list is a pointer on x86-64 and is passed by reference on arm64, so nint carries it on both.
    [LibraryImport(Libraries.Libc)]
    private static partial int vsnprintf(byte* buffer, nuint size, nint format, nint args);

    internal static int FormatV(byte* buffer, int size, nint format, nint args) =>
        vsnprintf(buffer, (nuint)size, format, args);
}
