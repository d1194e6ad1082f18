using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>libbpf's struct btf: loading a kernel BTF object by id and walking its types.</summary>
internal static unsafe partial class Libbpf
{
    /// <summary>struct btf_type: name offset, info word (vlen, kind, kind_flag) and size-or-type.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BtfType
    {
        public uint NameOff;
        public uint Info;
        public uint SizeOrType;

        public int Kind => (int)((Info >> 24) & 0x1f);
        public int VLen => (int)(Info & 0xffff);
        public bool KindFlag => (Info >> 31) != 0;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial nint btf__load_from_kernel_by_id(uint id);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial void btf__free(nint btf);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial BtfType* btf__type_by_id(nint btf, uint id);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint btf__name_by_offset(nint btf, uint offset);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial uint btf__type_cnt(nint btf);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    internal static partial long btf__resolve_size(nint btf, uint typeId);
}
