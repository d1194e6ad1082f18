using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// Type records as they are written (ids, not built nodes), for Get-BpfBtfType: what bpftool btf dump prints,
/// read from the same bounds-checked image the codecs use.
/// </summary>
internal sealed partial class BtfTypeTable
{
    /// <summary>The BTF object the kernel holds under this id; a failure names the errno.</summary>
    internal static BtfTypeTable Load(uint btfId)
    {
        Result<SafeBtfHandle> loaded = Libbpf.LoadKernelBtf(btfId);
        if (!loaded.Ok && loaded.Errno == Errno.ENOENT)
            throw new BpfException(ErrorId.BtfObjectNotFound, $"No BTF object with id {btfId} is loaded.", btfId);
        using SafeBtfHandle btf = loaded.OrThrow("load the kernel's BTF object", btfId);
        return Parse(Libbpf.RawBtf(btf));
    }

    /// <summary>The ids of the types, void left out, in order.</summary>
    internal IEnumerable<uint> Ids() => Enumerable.Range(1, _image.Count).Select(i => (uint)i);

    internal BpfBtfType Describe(uint id, uint? btfId)
    {
        if (id == 0 || !Known(id))
            throw Malformed($"there is no type {id} (the BTF has {Count - 1})");
        int i = (int)id;
        BtfKind kind = KindOf(id);
        int vlen = _image.Vlen(i);
        uint word = _image.SizeOrType(i);
        bool flag = _image.KindFlag(i);
        bool sized = kind is BtfKind.Int or BtfKind.Struct or BtfKind.Union or BtfKind.Enum or BtfKind.Enum64
            or BtfKind.Float or BtfKind.Datasec;
        bool refers = kind is BtfKind.Ptr or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const
            or BtfKind.Restrict or BtfKind.Func or BtfKind.FuncProto or BtfKind.Var or BtfKind.TypeTag
            or BtfKind.DeclTag;
        uint intInfo = kind == BtfKind.Int ? _image.Tail(i, 0) : 0;
        return new BpfBtfType
        {
            BtfId = btfId,
            Id = id,
            Kind = BtfImage.KindName(kind),
            Name = NameOf(id),
            CName = CName(id),
            Size = sized ? word : null,
            TypeId = kind == BtfKind.Array ? _image.Tail(i, 0) : refers ? word : null,
            Vlen = vlen,
            Members = Members(i, kind, vlen, flag),
            Values = kind is BtfKind.Enum or BtfKind.Enum64
                ? Type(id).Enumerators.Select(e => new BpfBtfEnumValue { Name = e.Name, Value = e.Value }).ToArray()
                : System.Array.Empty<BpfBtfEnumValue>(),
            Encoding = kind == BtfKind.Int ? IntEncoding((intInfo >> 24) & 0xf)
                : kind is BtfKind.Enum or BtfKind.Enum64 ? (flag ? "SIGNED" : "UNSIGNED") : null,
            Bits = kind == BtfKind.Int ? (int)(intInfo & 0xff) : null,
            BitOffset = kind == BtfKind.Int ? (int)((intInfo >> 16) & 0xff) : null,
            IndexTypeId = kind == BtfKind.Array ? _image.Tail(i, 1) : null,
            ArrayLength = kind == BtfKind.Array ? _image.Tail(i, 2) : null,
            Linkage = kind == BtfKind.Func ? Linkage((uint)vlen) : kind == BtfKind.Var ? Linkage(_image.Tail(i, 0))
                : null,
            ForwardKind = kind == BtfKind.Fwd ? (flag ? "union" : "struct") : null,
            ComponentIndex = kind == BtfKind.DeclTag ? (int)_image.Tail(i, 0) : null,
        };
    }

    private IReadOnlyList<BpfBtfMember> Members(int id, BtfKind kind, int vlen, bool bitfields)
    {
        var members = new List<BpfBtfMember>(vlen);
        for (int m = 0; m < vlen; m++)
        {
            switch (kind)
            {
                case BtfKind.Struct or BtfKind.Union:
                    uint bits = _image.Tail(id, 3 * m + 2);
                    uint type = _image.Tail(id, 3 * m + 1);
                    members.Add(new BpfBtfMember
                    {
                        Name = String(_image.Tail(id, 3 * m)), TypeId = type, TypeName = CName(type),
                        BitOffset = bitfields ? bits & 0xffffff : bits,
                        BitfieldSize = bitfields && bits >> 24 != 0 ? bits >> 24 : null,
                    });
                    break;
                case BtfKind.FuncProto:
                    uint param = _image.Tail(id, 2 * m + 1);
                    members.Add(new BpfBtfMember
                    {
                        Name = String(_image.Tail(id, 2 * m)), TypeId = param, TypeName = CName(param),
                    });
                    break;
                case BtfKind.Datasec:
                    uint var = _image.Tail(id, 3 * m);
                    members.Add(new BpfBtfMember
                    {
                        Name = Known(var) ? NameOf(var) : "", TypeId = var, TypeName = Known(var) ? CName(var) : null,
                        Offset = _image.Tail(id, 3 * m + 1), Size = _image.Tail(id, 3 * m + 2),
                    });
                    break;
            }
        }
        return members;
    }

    /// <summary>BTF_INT_* as bpftool prints the encoding: one of them, or (none).</summary>
    private static string IntEncoding(uint bits) => (BtfIntEncoding)bits switch
    {
        BtfIntEncoding.Signed => "SIGNED",
        BtfIntEncoding.Char => "CHAR",
        BtfIntEncoding.Bool => "BOOL",
        BtfIntEncoding.None => "(none)",
        var other => other.ToString().ToUpperInvariant(),
    };

    /// <summary>enum btf_func_linkage and the VAR linkage share their numbering: static, global, extern.</summary>
    private static string Linkage(uint value) => (BtfLinkage)value switch
    {
        BtfLinkage.Static => "static",
        BtfLinkage.Global => "global",
        BtfLinkage.Extern => "extern",
        _ => value.ToString(),
    };
}
