namespace EbpfPs.Interop.Kernel;

/// <summary>BTF_KIND_* (uapi linux/btf.h): what a BTF type record describes.</summary>
[KernelConstant("BTF_KIND_", "linux/btf.h")]
internal enum BtfKind
{
    [CName("BTF_KIND_UNKN")] Void = 0,
    Int = 1,
    Ptr = 2,
    Array = 3,
    Struct = 4,
    Union = 5,
    Enum = 6,
    Fwd = 7,
    Typedef = 8,
    Volatile = 9,
    Const = 10,
    Restrict = 11,
    Func = 12,
    FuncProto = 13,
    Var = 14,
    Datasec = 15,
    Float = 16,
    DeclTag = 17,
    TypeTag = 18,
    Enum64 = 19,
}

/// <summary>BTF_INT_* encoding bits of a BTF_KIND_INT (uapi linux/btf.h).</summary>
[System.Flags]
[KernelConstant("BTF_INT_", "linux/btf.h")]
internal enum BtfIntEncoding
{
    None = 0,
    Signed = 1,
    Char = 2,
    Bool = 4,
}

/// <summary>enum btf_func_linkage (uapi linux/btf.h); a VAR's linkage is numbered the same way.</summary>
[KernelConstant("BTF_FUNC_", "linux/btf.h")]
internal enum BtfLinkage
{
    Static = 0,
    Global = 1,
    Extern = 2,
}
