using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>libbpf's struct btf: a kernel BTF object loaded by id, and its types in raw form.</summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial nint btf__load_from_kernel_by_id(uint id);

    [LibraryImport(Libraries.Libbpf, SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint btf__parse_raw(string path);

    [LibraryImport(Libraries.Libbpf)]
    private static partial void btf__free(nint btf);

    [LibraryImport(Libraries.Libbpf)]
    private static partial void* btf__raw_data(nint btf, uint* size);

    /// <summary>Loads a BTF object the kernel holds (the one a map or program refers to).</summary>
    internal static Result<SafeBtfHandle> LoadKernelBtf(uint id)
    {
        nint btf = btf__load_from_kernel_by_id(id);
        return btf == 0 ? Result.LastErrno() : new SafeBtfHandle(btf);
    }

    /// <summary>Parses a raw BTF file, such as /sys/kernel/btf/vmlinux.</summary>
    internal static Result<SafeBtfHandle> ParseRawBtf(string path)
    {
        nint btf = btf__parse_raw(path);
        return btf == 0 ? Result.LastErrno() : new SafeBtfHandle(btf);
    }

    internal static void FreeBtf(nint btf) => btf__free(btf);

    /// <summary>
    /// The BTF in its raw wire form (header, type section, string section): the engine parses types from
    /// this copy in managed code instead of walking native pointers.
    /// </summary>
    internal static byte[] RawBtf(SafeBtfHandle btf) => RawData(btf.Pointer);

    private static byte[] RawData(nint btf)
    {
        uint size;
        void* data = btf__raw_data(btf, &size);
        return data == null ? System.Array.Empty<byte>() : new System.ReadOnlySpan<byte>(data, (int)size).ToArray();
    }
}
