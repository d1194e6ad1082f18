using System;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// An opened (not yet loaded) object's global variables: libbpf keeps each data section (.rodata,
/// .data, .bss, .rodata.NAME, ...) as an internal map whose initial value can be replaced before load;
/// the object's BTF says where each variable sits in its section.
/// </summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_object__btf(nint obj);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint bpf_object__find_map_by_name(nint obj, string name);

    /// <summary>The BTF libbpf parsed from the opened object, in its wire form; empty when it has none.</summary>
    internal static byte[] ObjectBtf(SafeBpfObjectHandle obj)
    {
        nint btf = bpf_object__btf(obj.Pointer);
        return btf == 0 ? Array.Empty<byte>() : RawData(btf);
    }

    /// <summary>The internal map holding a data section (".rodata", ".data.cfg", ...), if the object has one.</summary>
    internal static NativeMap? SectionMap(SafeBpfObjectHandle obj, string section)
    {
        nint map = bpf_object__find_map_by_name(obj.Pointer, section);
        return map == 0 ? null : new NativeMap(map);
    }
}

/// <summary>The initial value of a data-section map, read and replaced before load.</summary>
internal readonly unsafe partial struct NativeMap
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial void* bpf_map__initial_value(nint map, nuint* size);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__set_initial_value(nint map, void* data, nuint size);

    /// <summary>A copy of the section's current initial value (empty when the map has none, e.g. .kconfig).</summary>
    internal byte[] InitialValue()
    {
        nuint size;
        void* data = bpf_map__initial_value(_m, &size);
        return data is null ? Array.Empty<byte>() : new ReadOnlySpan<byte>(data, checked((int)size)).ToArray();
    }

    internal Result SetInitialValue(byte[] value)
    {
        fixed (byte* p = value)
            return Result.FromReturn(bpf_map__set_initial_value(_m, p, (nuint)value.Length));
    }
}
