using System;
using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>
/// An opened (not yet loaded) object's global variables: libbpf keeps each data section (.rodata,
/// .data, .bss, .rodata.NAME, ...) as an internal map whose initial value can be replaced before load;
/// the object's BTF says where each variable sits in its section.
/// </summary>
internal static unsafe partial class Libbpf
{
    internal const int BtfKindVar = 14, BtfKindDatasec = 15;

    /// <summary>struct btf_var_secinfo: one variable of a DATASEC, following its btf_type.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BtfVarSecInfo
    {
        public uint Type;
        public uint Offset;
        public uint Size;
    }

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_object__btf(nint obj);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint bpf_object__find_map_by_name(nint obj, string name);

    [LibraryImport(Libraries.Libbpf)]
    private static partial void* bpf_map__initial_value(nint map, nuint* size);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__set_initial_value(nint map, void* data, nuint size);

    /// <summary>The BTF libbpf parsed from the object (0 when it has none); owned by the object.</summary>
    internal static nint ObjectBtf(nint obj) => bpf_object__btf(obj);

    /// <summary>The internal map holding a data section (".rodata", ".data.cfg", ...), or 0.</summary>
    internal static nint SectionMap(nint obj, string section) => bpf_object__find_map_by_name(obj, section);

    /// <summary>A copy of the section's current initial value (empty when the map has none, e.g. .kconfig).</summary>
    internal static byte[] InitialValue(nint map)
    {
        nuint size;
        void* data = bpf_map__initial_value(map, &size);
        return data is null ? Array.Empty<byte>() : new ReadOnlySpan<byte>(data, checked((int)size)).ToArray();
    }

    internal static void SetInitialValue(nint map, byte[] value, string section)
    {
        fixed (byte* p = value)
            Check(bpf_map__set_initial_value(map, p, (nuint)value.Length), "set the initial value of section", section);
    }

    /// <summary>The variables of a DATASEC type, as (type id, offset, size).</summary>
    internal static BtfVarSecInfo[] DatasecVars(nint btf, uint datasecId)
    {
        BtfType* t = btf__type_by_id(btf, datasecId);
        var vars = new BtfVarSecInfo[t->VLen];
        var infos = (BtfVarSecInfo*)(t + 1);
        for (int i = 0; i < vars.Length; i++)
            vars[i] = infos[i];
        return vars;
    }
}
