using System.Collections.Generic;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// One BTF type and what it refers to, in managed memory: built once from a BtfTypeTable, then used to
/// build codecs without reading BTF again.
/// </summary>
internal sealed class BtfType
{
    public BtfKind Kind;
    public string Name = "";
    public uint Size;
    /// <summary>
    /// For typedef, pointer, const, volatile, restrict, type tag and array element: the type it refers to.
    /// </summary>
    public BtfType? Target;
    public uint ArrayLength;
    public BtfIntEncoding Encoding;
    public int IntBits, IntOffset;
    public List<(string Name, BtfType Type, uint BitOffset, uint BitSize)> Members = new();
    public List<(string Name, long Value)> Enumerators = new();

    public bool Signed => (Encoding & BtfIntEncoding.Signed) != 0;
    public bool IsChar => (Encoding & BtfIntEncoding.Char) != 0;
    public bool IsBool => (Encoding & BtfIntEncoding.Bool) != 0;

    /// <summary>
    /// Follows typedefs and qualifiers down to the type that has the layout (int, struct, array, ...).
    /// </summary>
    public BtfType Resolved()
    {
        BtfType n = Unqualified();
        while (n.Kind == BtfKind.Typedef && n.Target is not null)
            n = n.Target.Unqualified();
        return n;
    }

    /// <summary>
    /// Skips const/volatile/restrict and type tags; keeps typedefs, whose names carry meaning (__be32).
    /// </summary>
    public BtfType Unqualified()
    {
        BtfType n = this;
        while (n.Kind is BtfKind.Const or BtfKind.Volatile or BtfKind.Restrict or BtfKind.TypeTag
            && n.Target is not null)
            n = n.Target;
        return n;
    }
}
