using System;
using System.Buffers.Binary;
using System.Globalization;

namespace EbpfPs.Engine.Inventory;

/// <summary>One struct bpf_insn: opcode, the two register nibbles, the 16-bit offset and 32-bit immediate.</summary>
internal readonly record struct BpfInsn(byte Code, int Dst, int Src, short Off, int Imm)
{
    internal static BpfInsn At(ReadOnlySpan<byte> code, int slot)
    {
        ReadOnlySpan<byte> b = code.Slice(slot * 8, 8);
        // Little-endian bitfields: dst_reg is the low nibble of byte 1, src_reg the high one.
        return new BpfInsn(b[0], b[1] & 0xf, b[1] >> 4, BinaryPrimitives.ReadInt16LittleEndian(b[2..]),
            BinaryPrimitives.ReadInt32LittleEndian(b[4..]));
    }

    internal int Class => Code & 0x07;
    internal int Op => Code & 0xf0;
    internal bool SourceIsRegister => (Code & 0x08) != 0;
    internal int Size => Code & 0x18;
    internal int Mode => Code & 0xe0;
    /// <summary>BPF_LD | BPF_IMM | BPF_DW: a 64-bit immediate over two slots.</summary>
    internal bool IsWide => Code == 0x18;
}

/// <summary>
/// eBPF instructions as text in the notation of the kernel's verifier log and bpftool (kernel/bpf/disasm.c): the
/// operation by class, op, source and mode; registers as rN (wN for 32-bit ALU and JMP32); offsets signed.
/// Calls are named by a callback, so the xlated dump can name kernel functions the way bpftool does.
/// </summary>
internal static class InstructionText
{
    private const int Ld = 0, Ldx = 1, St = 2, Stx = 3, Alu = 4, Jmp = 5, Jmp32 = 6, Alu64 = 7;
    private const int PseudoMapFd = 1, PseudoMapValue = 2, PseudoBtfId = 3, PseudoFunc = 4, PseudoMapIdx = 5,
        PseudoMapIdxValue = 6, PseudoCall = 1, PseudoKfuncCall = 2;

    private static readonly string[] AluOps =
        { "+=", "-=", "*=", "/=", "|=", "&=", "<<=", ">>=", "neg", "%=", "^=", "=", "s>>=", "endian", "?", "?" };
    private static readonly string[] JmpOps =
        { "jmp", "==", ">", ">=", "&", "!=", "s>", "s>=", "call", "exit", "<", "<=", "s<", "s<=", "?", "?" };
    private static readonly string[] Sizes = { "u32", "u16", "u8", "u64" };
    private static readonly string[] AtomicOps = { "add", "?", "?", "?", "or", "and", "?", "?", "?", "?", "xor" };

    /// <summary>
    /// The text of the instruction at slot (without bpftool's "(code) " prefix), and how many slots it takes.
    /// callName names a call instruction's target (helper, kernel function or subprogram).
    /// </summary>
    internal static string Format(ReadOnlySpan<byte> code, int slot, Func<BpfInsn, string> callName, out int slots)
    {
        BpfInsn i = BpfInsn.At(code, slot);
        slots = 1;
        switch (i.Class)
        {
            case Alu or Alu64: return Arithmetic(i);
            case Stx: return Store(i);
            case St: return i.Mode == 0x60 ? $"*({Sizes[i.Size >> 3]} *)(r{i.Dst} {Signed(i.Off)}) = {i.Imm}"
                : $"BUG_st_{i.Code:x2}";
            case Ldx: return Load(i);
            case Ld:
                if (i.Mode == 0x20) return $"r0 = *({Sizes[i.Size >> 3]} *)skb[{i.Imm}]";
                if (i.Mode == 0x40) return $"r0 = *({Sizes[i.Size >> 3]} *)skb[r{i.Src} + {i.Imm}]";
                if (!i.IsWide || code.Length < (slot + 2) * 8) return $"BUG_ld_{i.Code:x2}";
                slots = 2;
                return $"r{i.Dst} = {Immediate64(i, BpfInsn.At(code, slot + 1))}";
            default: return Jump(i, callName);
        }
    }

    private static string Reg(BpfInsn i, int reg) => (i.Class is Alu or Jmp32 ? "w" : "r") + reg;

    private static string Signed(int value) => value.ToString("+0;-0;+0", CultureInfo.InvariantCulture);

    private static string Arithmetic(BpfInsn i)
    {
        if (i.Op == 0xd0) // BPF_END: byte swaps
            return i.Class == Alu64 ? $"r{i.Dst} = bswap{i.Imm} r{i.Dst}"
                : $"r{i.Dst} = {(i.SourceIsRegister ? "be" : "le")}{i.Imm} r{i.Dst}";
        if (i.Op == 0x80) // BPF_NEG
            return $"{Reg(i, i.Dst)} = -{Reg(i, i.Dst)}";
        string op = AluOps[i.Op >> 4];
        if (i.Off == 1 && i.Op is 0x30 or 0x90) // signed division and modulo (cpu v4)
            op = "s" + op;
        if (i.SourceIsRegister)
            return i.Op == 0xb0 && i.Off is 8 or 16 or 32 // sign-extending move (cpu v4)
                ? $"{Reg(i, i.Dst)} = (s{i.Off}){Reg(i, i.Src)}"
                : $"{Reg(i, i.Dst)} {op} {Reg(i, i.Src)}";
        return $"{Reg(i, i.Dst)} {op} {i.Imm}";
    }

    private static string Store(BpfInsn i)
    {
        string size = Sizes[i.Size >> 3], at = $"(r{i.Dst} {Signed(i.Off)})";
        if (i.Mode == 0x60)
            return $"*({size} *){at} = r{i.Src}";
        if (i.Mode != 0xc0)
            return $"BUG_{i.Code:x2}";
        string wide = i.Size == 0x18 ? "64" : "";
        int op = i.Imm & ~0x01; // BPF_FETCH is bit 0
        bool fetch = (i.Imm & 0x01) != 0;
        if (i.Imm == 0xe1) // BPF_XCHG
            return $"r{i.Src} = atomic{wide}_xchg(({size} *){at}, r{i.Src})";
        if (i.Imm == 0xf1) // BPF_CMPXCHG
            return $"r0 = atomic{wide}_cmpxchg(({size} *){at}, r0, r{i.Src})";
        if ((op >> 4) < AtomicOps.Length && AtomicOps[op >> 4] != "?" && (op & 0x0f) == 0)
            return fetch ? $"r{i.Src} = atomic{wide}_fetch_{AtomicOps[op >> 4]}(({size} *){at}, r{i.Src})"
                : $"lock *({size} *){at} {AluOps[op >> 4]} r{i.Src}";
        return $"BUG_{i.Code:x2}";
    }

    private static string Load(BpfInsn i)
    {
        string size = Sizes[i.Size >> 3];
        return i.Mode switch
        {
            0x60 => $"r{i.Dst} = *({size} *)(r{i.Src} {Signed(i.Off)})",
            0x80 => $"r{i.Dst} = *(s{size[1..]} *)(r{i.Src} {Signed(i.Off)})", // sign-extending load (cpu v4)
            _ => $"BUG_ldx_{i.Code:x2}",
        };
    }

    /// <summary>What bpftool prints for ld_imm64: a map by id or index (xlated code has ids), or hex.</summary>
    private static string Immediate64(BpfInsn i, BpfInsn next)
    {
        uint imm = (uint)i.Imm, nextImm = (uint)next.Imm;
        return i.Src switch
        {
            PseudoMapFd => $"map[id:{imm}]",
            PseudoMapValue => $"map[id:{imm}][0]+{nextImm}",
            PseudoMapIdx => $"map[idx:{imm}]",
            PseudoMapIdxValue => $"map[idx:{imm}]+{nextImm}",
            PseudoFunc => $"subprog[{Signed(i.Imm)}]",
            PseudoBtfId or _ => "0x" + (((ulong)nextImm << 32) | imm).ToString("x", CultureInfo.InvariantCulture),
        };
    }

    private static string Jump(BpfInsn i, Func<BpfInsn, string> callName)
    {
        switch (i.Op)
        {
            case 0x80 when i.Class == Jmp:
                return i.Src switch
                {
                    PseudoCall => $"call pc{callName(i)}",
                    PseudoKfuncCall => $"call {callName(i)}",
                    _ => $"call {callName(i)}#{i.Imm}",
                };
            case 0x90 when i.Class == Jmp:
                return "exit";
            case 0x00:
                return i.Class == Jmp ? $"goto pc{Signed(i.Off)}" : $"gotol pc{Signed(i.Imm)}";
        }
        string op = JmpOps[i.Op >> 4];
        string right = i.SourceIsRegister ? Reg(i, i.Src)
            : "0x" + ((uint)i.Imm).ToString("x", CultureInfo.InvariantCulture);
        return $"if {Reg(i, i.Dst)} {op} {right} goto pc{Signed(i.Off)}";
    }
}
