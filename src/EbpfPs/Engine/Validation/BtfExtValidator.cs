using System;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Validation;

/// <summary>
/// The .BTF.ext section: its header, and the func_info, line_info and CO-RE relocation subsections with
/// their per-ELF-section blocks. Every block's section name, and every string and type id a record holds,
/// must exist in .BTF; every instruction offset must be instruction-aligned.
/// </summary>
internal static class BtfExtValidator
{
    private const int MinHeader = 24, CoreHeader = 32, BlockHeader = 8, InsnSize = 8, MaxCoreReloKind = 12;

    private enum Info { Func, Line, CoreRelo }

    public static void Check(ReadOnlySpan<byte> data, BtfImage btf, string where)
    {
        EndianReader r = btf.Reader;
        if (data.Length < 8)
            throw Bad($"{where} is {data.Length} bytes, shorter than a .BTF.ext header.");
        if (r.U16(data, 0) != BtfImage.Magic)
            throw Bad(new EndianReader(!r.BigEndian).U16(data, 0) == BtfImage.Magic
                ? $"{where} is in the other byte order than .BTF."
                : $"{where} does not start with the BTF magic 0x{BtfImage.Magic:x4}.");
        if (data[2] != 1 || data[3] != 0)
            throw Bad($"{where} has version {data[2]} and flags 0x{data[3]:x2}; only version 1 without flags exists.");
        uint hdrLen = r.U32(data, 4);
        if (hdrLen < MinHeader || hdrLen >= (uint)data.Length)
            throw Bad($"{where} has a header length of {hdrLen}; it must be at least {MinHeader} " +
                $"and leave room for data in {data.Length} bytes.");

        CheckInfo(data, btf, $"{where} func_info", hdrLen, r.U32(data, 8), r.U32(data, 12), Info.Func);
        CheckInfo(data, btf, $"{where} line_info", hdrLen, r.U32(data, 16), r.U32(data, 20), Info.Line);
        // libbpf 1.1 reads CO-RE relocations only when the header is long enough to describe them.
        if (hdrLen >= CoreHeader)
            CheckInfo(data, btf, $"{where} core_relo", hdrLen, r.U32(data, 24), r.U32(data, 28), Info.CoreRelo);
    }

    private static void CheckInfo(ReadOnlySpan<byte> data, BtfImage btf, string what, uint hdrLen, uint off, uint len,
        Info kind)
    {
        if (len == 0) return;
        int minRecord = kind == Info.Func ? 8 : 16;
        if (off % 4 != 0)
            throw Bad($"{what} offset {off} is not 4-byte aligned.");
        if ((ulong)hdrLen + off + len > (ulong)data.Length)
            throw Bad($"{what} (offset {off}, length {len}) runs past the section's {data.Length} bytes.");
        if (len < 4 + BlockHeader)
            throw Bad($"{what} is {len} bytes, too short for a record size and one block.");
        EndianReader r = btf.Reader;
        ReadOnlySpan<byte> info = data.Slice((int)(hdrLen + off), (int)len);
        uint recordSize = r.U32(info, 0);
        if (recordSize < minRecord || recordSize % 4 != 0)
            throw Bad($"{what} has record size {recordSize}; it must be a multiple of 4, at least {minRecord}.");

        for (int at = 4, block = 0; at < info.Length; block++)
        {
            if (info.Length - at < BlockHeader)
                throw Bad($"{what} block #{block} at offset {at} is cut off by the end of the subsection.");
            uint name = r.U32(info, at), count = r.U32(info, at + 4);
            int left = info.Length - at - BlockHeader;
            if (!btf.IsString(name))
                throw Bad($"{what} block #{block} has section name offset {name}, " +
                    $"past the .BTF string section ({btf.StringLength} bytes).");
            if (count == 0 || (ulong)count * recordSize > (ulong)left)
                throw Bad($"{what} block #{block} claims {count} records of {recordSize} bytes; " +
                    $"{left} bytes are left.");
            at += BlockHeader;
            for (uint i = 0; i < count; i++, at += (int)recordSize)
                CheckRecord(info.Slice(at, minRecord), btf, kind, what, block, i);
        }
    }

    private static void CheckRecord(ReadOnlySpan<byte> rec, BtfImage btf, Info kind, string subsection, int block,
        uint index)
    {
        // Named only on failure: there is a record per instruction line, and a string each would dominate.
        string What() => $"{subsection} block #{block} record #{index}";
        EndianReader r = btf.Reader;
        uint insnOff = r.U32(rec, 0);
        if (insnOff % InsnSize != 0)
            throw Bad($"{What()} has instruction offset {insnOff}, not a multiple of {InsnSize}.");
        switch (kind)
        {
            case Info.Func:
                uint func = r.U32(rec, 4);
                if (func == 0 || func > (uint)btf.Count || btf.Kind((int)func) != BtfKind.Func)
                    throw Bad($"{What()} refers to type [{func}], which is not a FUNC of the {btf.Count} types.");
                break;
            case Info.Line:
                uint file = r.U32(rec, 4), line = r.U32(rec, 8);
                if (!btf.IsString(file) || !btf.IsString(line))
                    throw Bad($"{What()} has file name offset {file} and line offset {line}; " +
                        $"the .BTF string section has {btf.StringLength} bytes.");
                break;
            default:
                uint type = r.U32(rec, 4), access = r.U32(rec, 8), relo = r.U32(rec, 12);
                if (type > (uint)btf.Count)
                    throw Bad($"{What()} refers to type [{type}], but the last type is [{btf.Count}].");
                if (!btf.IsString(access))
                    throw Bad($"{What()} has access string offset {access}, past the .BTF string section.");
                if (relo > MaxCoreReloKind)
                    throw Bad($"{What()} has relocation kind {relo}; known kinds are 0 to {MaxCoreReloKind}.");
                break;
        }
    }

    private static InvalidObjectException Bad(string message) => new(message);
}
