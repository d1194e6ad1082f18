using System;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>A kernel BTF object loaded by id, used to spell C type names the way a C programmer reads them.</summary>
internal sealed class BtfTypeNames : IDisposable
{
    // BTF kinds from uapi linux/btf.h.
    internal const int KindInt = 1, KindPtr = 2, KindArray = 3, KindStruct = 4, KindUnion = 5, KindEnum = 6,
        KindFwd = 7, KindTypedef = 8, KindVolatile = 9, KindConst = 10, KindRestrict = 11, KindFunc = 12,
        KindFuncProto = 13, KindVar = 14, KindDatasec = 15, KindFloat = 16, KindDeclTag = 17, KindTypeTag = 18,
        KindEnum64 = 19;

    private nint _btf;

    private BtfTypeNames(nint btf) => _btf = btf;

    /// <summary>Null when the BTF cannot be read (e.g. it was freed meanwhile); names are a nicety, not a must.</summary>
    internal static BtfTypeNames? TryLoad(uint btfId)
    {
        nint btf = Libbpf.btf__load_from_kernel_by_id(btfId);
        return btf == 0 ? null : new BtfTypeNames(btf);
    }

    internal unsafe string? NameOf(uint typeId)
    {
        if (typeId == 0) return null;
        Libbpf.BtfType* t = Libbpf.btf__type_by_id(_btf, typeId);
        if (t == null) return null;
        string name = Libbpf.Str(Libbpf.btf__name_by_offset(_btf, t->NameOff)) ?? "";
        return t->Kind switch
        {
            KindStruct => $"struct {Anon(name)}",
            KindUnion => $"union {Anon(name)}",
            KindEnum or KindEnum64 => $"enum {Anon(name)}",
            KindFwd => (t->KindFlag ? "union " : "struct ") + name,
            KindPtr => $"{NameOf(t->SizeOrType) ?? "void"} *",
            KindConst => $"const {NameOf(t->SizeOrType) ?? "void"}",
            KindVolatile => $"volatile {NameOf(t->SizeOrType) ?? "void"}",
            KindArray => ArrayName(t),
            _ => name,
        };
    }

    private unsafe string ArrayName(Libbpf.BtfType* t)
    {
        // struct btf_array { type, index_type, nelems } follows the btf_type header.
        uint* array = (uint*)(t + 1);
        return $"{NameOf(array[0])}[{array[2]}]";
    }

    private static string Anon(string name) => name.Length == 0 ? "(anon)" : name;

    public void Dispose()
    {
        if (_btf != 0)
        {
            Libbpf.btf__free(_btf);
            _btf = 0;
        }
    }
}
