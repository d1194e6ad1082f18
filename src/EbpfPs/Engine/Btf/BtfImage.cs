using System;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// The .BTF section laid out: header checked, string table checked, and every type record found by walking
/// the type section with each record's length computed from its kind and vlen. What the records point at
/// is BtfValidator's business; after Parse every record can be read without running off the section.
/// </summary>
internal sealed class BtfImage
{
    public const ushort Magic = 0xeB9F;
    public const int HeaderSize = 24, TypeHeaderSize = 12;
    private const uint MaxStringOffset = 0x7fffffff;
    // info: vlen in bits 0-15, kind in 24-28, kind_flag in 31; the rest must be zero.
    private const uint InfoReservedBits = 0x60ff0000;

    private readonly byte[] _image;
    private readonly int _types, _strings;
    private readonly int[] _offsets;

    private BtfImage(byte[] image, EndianReader reader, int types, int strings, int stringLength, int[] offsets,
        int count)
    {
        _image = image;
        Reader = reader;
        _types = types;
        _strings = strings;
        StringLength = stringLength;
        _offsets = offsets;
        Count = count;
    }

    public EndianReader Reader { get; }
    /// <summary>Number of type records; valid ids are 1..Count (0 is void).</summary>
    public int Count { get; }
    public int StringLength { get; }

    public ReadOnlySpan<byte> Strings => _image.AsSpan(_strings, StringLength);

    /// <summary>The record of a type id in 1..Count, header included.</summary>
    public ReadOnlySpan<byte> Record(int id) => _image.AsSpan(_types + _offsets[id], RecordLength(id));

    public uint NameOffset(int id) => Reader.U32(_image, _types + _offsets[id]);
    public uint Info(int id) => Reader.U32(_image, _types + _offsets[id] + 4);
    public BtfKind Kind(int id) => id == 0 ? BtfKind.Void : (BtfKind)((Info(id) >> 24) & 0x1f);
    public int Vlen(int id) => (int)(Info(id) & 0xffff);
    public bool KindFlag(int id) => (Info(id) >> 31) != 0;
    /// <summary>The third header word: a size for sized kinds, a type id for the others.</summary>
    public uint SizeOrType(int id) => Reader.U32(_image, _types + _offsets[id] + 8);
    /// <summary>A 32-bit word of the record's tail (after the 12-byte header).</summary>
    public uint Tail(int id, int word) => Reader.U32(_image, _types + _offsets[id] + TypeHeaderSize + word * 4);

    private int RecordLength(int id) => _offsets[id + 1] - _offsets[id];

    public bool IsString(uint offset) => offset < (uint)StringLength;

    public string Name(int id) => id == 0 ? "void" : StringTable.StringAt(Strings, NameOffset(id));

    /// <summary>
    /// The kind as BTF spells it (INT, FUNC_PROTO, ...), or "kind N" for one this module does not know.
    /// </summary>
    public static string KindName(BtfKind kind) => kind switch
    {
        BtfKind.Void => "void",
        > BtfKind.Void and <= BtfKind.Enum64 => KernelNames.Snake(kind.ToString()).ToUpperInvariant(),
        _ => $"kind {(int)kind}",
    };

    /// <summary>Bytes a record of this kind takes after its 12-byte header, or -1 for an unknown kind.</summary>
    public static long TailLength(BtfKind kind, int vlen) => kind switch
    {
        BtfKind.Ptr or BtfKind.Fwd or BtfKind.Typedef or BtfKind.Volatile or BtfKind.Const or BtfKind.Restrict
            or BtfKind.Func or BtfKind.Float
            or BtfKind.TypeTag => 0,
        BtfKind.Int or BtfKind.Var or BtfKind.DeclTag => 4,
        BtfKind.Array => 12,
        BtfKind.Enum => 8L * vlen,
        BtfKind.Struct or BtfKind.Union or BtfKind.Enum64 => 12L * vlen,
        BtfKind.FuncProto => 8L * vlen,
        BtfKind.Datasec => 12L * vlen,
        _ => -1,
    };

    private static InvalidObjectException Bad(string message) => new(message);

    /// <summary>Checks the header, the string table and the record layout of a .BTF section's bytes.</summary>
    public static BtfImage Parse(byte[] image, int offset, int length, string where)
    {
        ReadOnlySpan<byte> data = image.AsSpan(offset, length);
        if (length < HeaderSize)
            throw Bad($"{where} is {length} bytes, shorter than a BTF header ({HeaderSize}).");
        var r = new EndianReader(bigEndian: false);
        if (r.U16(data, 0) != Magic)
        {
            r = new EndianReader(bigEndian: true);
            if (r.U16(data, 0) != Magic)
                throw Bad($"{where} does not start with the BTF magic 0x{Magic:x4}.");
        }
        if (data[2] != 1)
            throw Bad($"{where} has BTF version {data[2]}; only version 1 exists.");
        if (data[3] != 0)
            throw Bad($"{where} has BTF flags 0x{data[3]:x2}; no flags are defined.");
        uint hdrLen = r.U32(data, 4), typeOff = r.U32(data, 8), typeLen = r.U32(data, 12);
        uint strOff = r.U32(data, 16), strLen = r.U32(data, 20);
        if (hdrLen < HeaderSize || hdrLen > (uint)length)
            throw Bad($"{where} has a BTF header length of {hdrLen}; it must be {HeaderSize} to {length}.");
        if (data.Slice(HeaderSize, (int)hdrLen - HeaderSize).IndexOfAnyExcept((byte)0) >= 0)
            throw Bad($"{where} has non-zero bytes in the unknown tail of its {hdrLen}-byte BTF header.");
        long body = length - hdrLen;
        if (typeOff % 4 != 0)
            throw Bad($"{where}: the type section offset {typeOff} is not 4-byte aligned.");
        if ((long)typeOff + typeLen > body)
            throw Bad(
                $"{where}: the type section (offset {typeOff}, length {typeLen}) runs past the section's {body} " +
                "bytes of data.");
        if ((long)strOff + strLen > body)
            throw Bad(
                $"{where}: the string section (offset {strOff}, length {strLen}) runs past the section's {body} " +
                "bytes of data.");
        if ((long)typeOff + typeLen > strOff)
            throw Bad(
                $"{where}: the type section (offset {typeOff}, length {typeLen}) overlaps or follows the string " +
                $"section at {strOff}.");

        int strings = offset + (int)hdrLen + (int)strOff;
        ReadOnlySpan<byte> strs = image.AsSpan(strings, (int)strLen);
        if (strLen == 0 || strLen - 1 > MaxStringOffset || strs[0] != 0 || strs[^1] != 0)
            throw Bad(
                $"{where}: the string section ({strLen} bytes) must start with an empty string and end with a NUL.");

        int types = offset + (int)hdrLen + (int)typeOff;
        ReadOnlySpan<byte> typeBytes = image.AsSpan(types, (int)typeLen);
        // Upper bound on the record count (every record has a 12-byte header), plus the end sentinel.
        var offsets = new int[typeLen / TypeHeaderSize + 2];
        int count = 0, at = 0;
        while (at < typeBytes.Length)
        {
            int id = count + 1;
            if (typeBytes.Length - at < TypeHeaderSize)
                throw Bad(
                    $"{where}: type [{id}] at offset {at} is cut off by the end of the type section ({typeLen} " +
                    "bytes).");
            uint info = r.U32(typeBytes, at + 4);
            var kind = (BtfKind)((info >> 24) & 0x1f);
            int vlen = (int)(info & 0xffff);
            if ((info & InfoReservedBits) != 0)
                throw Bad($"{where}: type [{id}] has reserved bits set in its info word 0x{info:x8}.");
            long tail = TailLength(kind, vlen);
            if (tail < 0)
                throw Bad($"{where}: type [{id}] has unknown kind {(int)kind} (known kinds are 1 to " +
                    $"{(int)BtfKind.Enum64}).");
            if (TypeHeaderSize + tail > typeBytes.Length - at)
                throw Bad(
                    $"{where}: type [{id}] ({KindName(kind)}, vlen {vlen}) needs {TypeHeaderSize + tail} bytes at " +
                    $"offset {at}, past the end of the type section ({typeLen} bytes).");
            offsets[id] = at;
            at += TypeHeaderSize + (int)tail;
            count++;
        }
        offsets[count + 1] = at;
        return new BtfImage(image, r, types, strings, (int)strLen, offsets, count);
    }
}
