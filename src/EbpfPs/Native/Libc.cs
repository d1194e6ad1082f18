using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>The few libc calls the engine needs besides libbpf.</summary>
internal static unsafe partial class Libc
{
    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int dup(int fd);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial uint if_nametoindex(string name);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static unsafe partial nint if_indextoname(uint index, byte* name);

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int statfs(string path, StatFs* buf);

    // va_list is a pointer on x86-64 and is passed by reference on arm64, so nint carries it on both.
    [LibraryImport(Libraries.Libc)]
    internal static unsafe partial int vsnprintf(byte* buffer, nuint size, nint format, nint args);

    /// <summary>struct statfs on 64-bit Linux: only f_type matters to us, the rest is padding.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal unsafe struct StatFs
    {
        public long Type;
        public fixed long Rest[15];
    }

    internal const long BpfFsMagic = 0xcafe4a11;

    internal static string? IndexToName(uint index)
    {
        unsafe
        {
            byte* buf = stackalloc byte[16];
            return if_indextoname(index, buf) == 0 ? null : Marshal.PtrToStringUTF8((nint)buf);
        }
    }

    /// <summary>The filesystem magic of a path, or the errno when statfs fails (as a negative number).</summary>
    internal static long FileSystemType(string path)
    {
        unsafe
        {
            StatFs buf;
            return statfs(path, &buf) == 0 ? buf.Type : -Marshal.GetLastPInvokeError();
        }
    }
}

/// <summary>Entering a network namespace and the netlink socket calls.</summary>
internal static unsafe partial class Libc
{
    internal const int CloneNewNet = 0x40000000;
    internal const int OpenReadOnly = 0, OpenCloseOnExec = 0x80000;

    [LibraryImport(Libraries.Libc, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int setns(int fd, int nstype);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial int socket(int domain, int type, int protocol);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint send(int fd, byte* buf, nuint len, int flags);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    internal static partial nint recv(int fd, byte* buf, nuint len, int flags);
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

    internal static System.Collections.Generic.List<(int Index, string Name)> Interfaces()
    {
        IfNameIndex* list = if_nameindex();
        if (list == null)
            throw Engine.BpfException.FromErrno(Marshal.GetLastPInvokeError(), "list network interfaces");
        var result = new System.Collections.Generic.List<(int, string)>();
        try
        {
            for (IfNameIndex* p = list; p->Index != 0; p++)
                result.Add(((int)p->Index, Marshal.PtrToStringUTF8(p->Name) ?? ""));
        }
        finally
        {
            if_freenameindex(list);
        }
        return result;
    }
}
