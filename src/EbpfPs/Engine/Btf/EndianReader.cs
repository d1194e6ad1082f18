using System;
using System.Buffers.Binary;

namespace EbpfPs.Engine.Btf;

/// <summary>
/// Reads fixed-width integers in one byte order. BPF objects come in both orders (bpfel, bpfeb), and the
/// order is only known after the ELF identity (or the BTF magic) has been read.
/// </summary>
internal readonly struct EndianReader
{
    public EndianReader(bool bigEndian) => BigEndian = bigEndian;

    public bool BigEndian { get; }

    public ushort U16(ReadOnlySpan<byte> data, int at) => BigEndian
        ? BinaryPrimitives.ReadUInt16BigEndian(data.Slice(at, 2))
        : BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(at, 2));

    public uint U32(ReadOnlySpan<byte> data, int at) => BigEndian
        ? BinaryPrimitives.ReadUInt32BigEndian(data.Slice(at, 4))
        : BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(at, 4));

    public ulong U64(ReadOnlySpan<byte> data, int at) => BigEndian
        ? BinaryPrimitives.ReadUInt64BigEndian(data.Slice(at, 8))
        : BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(at, 8));
}

/// <summary>
/// What the object parsers throw for malformed input; ObjectFileValidator turns it into an
/// InvalidBpfObject BpfException naming the file. The message names the section, type id or offset.
/// </summary>
internal sealed class InvalidObjectException : Exception
{
    public InvalidObjectException(string message) : base(message)
    {
    }
}
