using System;

namespace EbpfPs;

/// <summary>
/// One instruction of a loaded program as the verifier left it (bpftool prog dump xlated linum): where it is,
/// its bytes, bpftool's disassembly text, and the C source line BTF line info ties it to.
/// </summary>
public sealed class BpfInstruction
{
    public uint ProgramId { get; init; }
    public string ProgramName { get; init; } = "";
    /// <summary>The function (BTF func info) the instruction belongs to, when the program has BTF.</summary>
    public string? Function { get; init; }
    /// <summary>Index of the instruction in 8-byte slots, as bpftool numbers it (ld_imm64 takes two).</summary>
    public int Offset { get; init; }
    public byte Opcode { get; init; }
    /// <summary>The disassembly as bpftool prints it, without the "(opcode)" prefix.</summary>
    public string Text { get; init; } = "";
    /// <summary>
    /// The instruction's raw bytes as hex text, as they lie in memory: 8 bytes, or 16 for a 64-bit immediate load.
    /// Text, so JSON and CSV carry one value rather than a number per byte; GetBytes() gives the array.
    /// </summary>
    public string Hex { get; init; } = "";
    /// <summary>The source file of the line info record that starts at or covers this instruction.</summary>
    public string? File { get; init; }
    public int? Line { get; init; }
    public int? Column { get; init; }
    /// <summary>The C source line's text, as the compiler stored it in BTF.</summary>
    public string? Source { get; init; }
    /// <summary>True on the first instruction of a line info record (where bpftool prints its "; line").</summary>
    public bool StartsLine { get; init; }

    public byte[] GetBytes() => Convert.FromHexString(Hex);

    /// <summary>bpftool's text: "(bf) r6 = r1".</summary>
    public string Disassembly => $"({Opcode:x2}) {Text}";

    public override string ToString() => $"{Offset,4}: {Disassembly}";
}

/// <summary>
/// The machine code the JIT made for one line info record of a program (bpftool prog dump jited linum): its
/// kernel address and bytes; EbpfPs does not disassemble the host's machine code.
/// </summary>
public sealed class BpfJitedCode
{
    public uint ProgramId { get; init; }
    public string ProgramName { get; init; } = "";
    public string? Function { get; init; }
    /// <summary>Byte offset of the region in the program's jited image.</summary>
    public int Offset { get; init; }
    public ulong Address { get; init; }
    public int Length { get; init; }
    /// <summary>The machine code as hex text (GetBytes() gives the array); not disassembled.</summary>
    public string Hex { get; init; } = "";
    /// <summary>The first xlated instruction of the line info record (its Offset in BpfInstruction).</summary>
    public int? InstructionOffset { get; init; }
    public string? File { get; init; }
    public int? Line { get; init; }
    public int? Column { get; init; }
    public string? Source { get; init; }

    public byte[] GetBytes() => Convert.FromHexString(Hex);

    public override string ToString() => $"0x{Offset:x}: {Length} bytes";
}
