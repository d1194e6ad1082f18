using System;
using System.Collections.Generic;
using EbpfPs.Native;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// A managed copy of the BTF types a map's key or value uses: read once from the kernel's BTF object,
/// then used to build codecs without touching native memory again.
/// </summary>
internal sealed class BtfNode
{
    public int Kind;
    public string Name = "";
    public uint Size;
    /// <summary>For typedef, pointer, const, volatile, array element: the type it refers to.</summary>
    public BtfNode? Target;
    public uint ArrayLength;
    public bool Signed, IsChar, IsBool;
    public int IntBits, IntOffset;
    public List<(string Name, BtfNode Type, uint BitOffset, uint BitSize)> Members = new();
    public List<(string Name, long Value)> Enumerators = new();

    /// <summary>Reads a type and everything it refers to from a loaded kernel BTF object.</summary>
    public static unsafe BtfNode Read(nint btf, uint typeId, Dictionary<uint, BtfNode>? seen = null)
    {
        seen ??= new Dictionary<uint, BtfNode>();
        if (seen.TryGetValue(typeId, out BtfNode? known))
            return known;
        var node = new BtfNode();
        seen[typeId] = node;
        if (typeId == 0)
        {
            node.Kind = 0;
            node.Name = "void";
            return node;
        }
        Libbpf.BtfType* t = Libbpf.btf__type_by_id(btf, typeId);
        if (t == null)
            throw new BpfException("BtfTypeNotFound", BpfErrorKind.InvalidData, $"BTF type {typeId} does not exist.", typeId);
        node.Kind = t->Kind;
        node.Name = Libbpf.Str(Libbpf.btf__name_by_offset(btf, t->NameOff)) ?? "";
        byte* extra = (byte*)(t + 1);
        switch (node.Kind)
        {
            case BtfTypeNames.KindInt:
                uint info = *(uint*)extra;
                node.Size = t->SizeOrType;
                node.Signed = (info >> 24 & 1) != 0;
                node.IsChar = (info >> 24 & 2) != 0;
                node.IsBool = (info >> 24 & 4) != 0;
                node.IntOffset = (int)(info >> 16 & 0xff);
                node.IntBits = (int)(info & 0xff);
                break;
            case BtfTypeNames.KindFloat:
                node.Size = t->SizeOrType;
                break;
            case BtfTypeNames.KindPtr:
                node.Size = 8;
                node.Target = Read(btf, t->SizeOrType, seen);
                break;
            case BtfTypeNames.KindArray:
                uint* a = (uint*)extra;
                node.Target = Read(btf, a[0], seen);
                node.ArrayLength = a[2];
                node.Size = node.Target.Size * node.ArrayLength;
                break;
            case BtfTypeNames.KindStruct:
            case BtfTypeNames.KindUnion:
                node.Size = t->SizeOrType;
                uint* m = (uint*)extra;
                for (int i = 0; i < t->VLen; i++, m += 3)
                {
                    string name = Libbpf.Str(Libbpf.btf__name_by_offset(btf, m[0])) ?? "";
                    uint offset = t->KindFlag ? m[2] & 0xffffff : m[2];
                    uint bits = t->KindFlag ? m[2] >> 24 : 0;
                    node.Members.Add((name.Length == 0 ? $"_{i}" : name, Read(btf, m[1], seen), offset, bits));
                }
                break;
            case BtfTypeNames.KindEnum:
                node.Size = t->SizeOrType;
                node.Signed = t->KindFlag;
                uint* e = (uint*)extra;
                for (int i = 0; i < t->VLen; i++, e += 2)
                    node.Enumerators.Add((Libbpf.Str(Libbpf.btf__name_by_offset(btf, e[0])) ?? "", node.Signed ? (int)e[1] : e[1]));
                break;
            case BtfTypeNames.KindEnum64:
                node.Size = t->SizeOrType;
                uint* e64 = (uint*)extra;
                for (int i = 0; i < t->VLen; i++, e64 += 3)
                    node.Enumerators.Add((Libbpf.Str(Libbpf.btf__name_by_offset(btf, e64[0])) ?? "", (long)((ulong)e64[2] << 32 | e64[1])));
                break;
            case BtfTypeNames.KindTypedef:
            case BtfTypeNames.KindConst:
            case BtfTypeNames.KindVolatile:
            case BtfTypeNames.KindRestrict:
            case BtfTypeNames.KindTypeTag:
                node.Target = Read(btf, t->SizeOrType, seen);
                node.Size = node.Target.Size;
                break;
            default:
                node.Size = (uint)Math.Max(0, Libbpf.btf__resolve_size(btf, typeId));
                break;
        }
        return node;
    }

    /// <summary>Follows typedefs and qualifiers down to the type that has the layout (int, struct, array, ...).</summary>
    public BtfNode Resolved()
    {
        BtfNode n = Unqualified();
        while (n.Kind == BtfTypeNames.KindTypedef && n.Target is not null)
            n = n.Target.Unqualified();
        return n;
    }

    /// <summary>Skips const/volatile/restrict and type tags; keeps typedefs, whose names carry meaning (__be32).</summary>
    public BtfNode Unqualified()
    {
        BtfNode n = this;
        while (n.Kind is BtfTypeNames.KindConst or BtfTypeNames.KindVolatile or BtfTypeNames.KindRestrict or BtfTypeNames.KindTypeTag && n.Target is not null)
            n = n.Target;
        return n;
    }
}
