using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// A loaded program's code as bpftool prog dump shows it: the instructions the verifier left (xlated), each with
/// its disassembly and C source line, or the JIT's machine code cut at the line info records.
/// </summary>
public static class ProgramCode
{
    /// <summary>The xlated instructions of the program with the id, in order.</summary>
    public static IReadOnlyList<BpfInstruction> Instructions(uint programId)
    {
        (BpfProgramInfo program, ProgramCodeInfo code) = Read(programId);
        if (code.Xlated.Length < 8)
            throw NotAvailable(program, "instructions");
        var lines = new SourceLines(code);
        var names = new CallNames(code);
        var result = new List<BpfInstruction>(code.Xlated.Length / 8);
        for (int slot = 0; slot < code.Xlated.Length / 8;)
        {
            string text = InstructionText.Format(code.Xlated, slot, names.Name, out int slots);
            (Libbpf.BpfLineInfo? line, bool starts) = lines.At((uint)slot);
            result.Add(new BpfInstruction
            {
                ProgramId = program.Id, ProgramName = program.Name, Function = lines.FunctionAt((uint)slot),
                Offset = slot, Opcode = code.Xlated[slot * 8], Text = text,
                Hex = Hex(code.Xlated.AsSpan(slot * 8, slots * 8)), StartsLine = starts,
                File = lines.File(line), Line = SourceLines.LineOf(line), Column = SourceLines.ColumnOf(line),
                Source = lines.Text(line),
            });
            slot += slots;
        }
        return result;
    }

    /// <summary>
    /// The program's machine code, one region per line info record (one per function when it has no BTF line
    /// info); a record the JIT gave no bytes of its own is left out.
    /// </summary>
    public static IReadOnlyList<BpfJitedCode> Jited(uint programId)
    {
        (BpfProgramInfo program, ProgramCodeInfo code) = Read(programId);
        ulong[] starts = code.JitedFunctionAddresses;
        uint[] lengths = code.JitedFunctionLengths;
        if (code.Jited.Length == 0 || starts.Length == 0 || lengths.Length != starts.Length)
            throw NotAvailable(program, "machine code (is net.core.bpf_jit_enable on?)");
        var lines = new SourceLines(code);
        var imageOffsets = new int[starts.Length];
        for (int f = 1; f < starts.Length; f++)
            imageOffsets[f] = imageOffsets[f - 1] + (int)lengths[f - 1];

        // Region starts: each line record's address, or each function's start without line info.
        var cuts = new List<(ulong Address, int Record)>();
        if (code.JitedLineAddresses.Length > 0 && code.JitedLineAddresses.Length <= code.LineInfo.Length)
            cuts.AddRange(code.JitedLineAddresses.Select((a, k) => (a, k)));
        else
            cuts.AddRange(starts.Select(a => (a, -1)));
        var result = new List<BpfJitedCode>();
        for (int k = 0; k < cuts.Count; k++)
        {
            int f = Array.FindLastIndex(starts, s => s <= cuts[k].Address);
            if (f < 0 || cuts[k].Address - starts[f] >= lengths[f])
                continue;
            ulong end = starts[f] + lengths[f];
            if (k + 1 < cuts.Count && cuts[k + 1].Address > cuts[k].Address && cuts[k + 1].Address < end)
                end = cuts[k + 1].Address;
            int offset = imageOffsets[f] + (int)(cuts[k].Address - starts[f]);
            int length = (int)Math.Min(end - cuts[k].Address, (ulong)Math.Max(0, code.Jited.Length - offset));
            if (length <= 0)
                continue;
            Libbpf.BpfLineInfo? line = cuts[k].Record >= 0 ? code.LineInfo[cuts[k].Record] : null;
            result.Add(new BpfJitedCode
            {
                ProgramId = program.Id, ProgramName = program.Name,
                Function = lines.FunctionOfJited(f) ?? (f == 0 ? program.Name : null),
                Offset = offset, Address = cuts[k].Address, Length = length,
                Hex = Hex(code.Jited.AsSpan(offset, length)),
                InstructionOffset = line is { } l ? (int)l.InsnOff : null,
                File = lines.File(line), Line = SourceLines.LineOf(line), Column = SourceLines.ColumnOf(line),
                Source = lines.Text(line),
            });
        }
        return result;
    }

    /// <summary>The id of the program pinned at path (bpftool's "pinned PATH"), checked to be a program pin.</summary>
    public static uint PinnedProgramId(string path)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle fd = KernelInventory.OpenPinned(path, Libbpf.ObjectKind.Program);
        return BpfSystem.Current.ProgramInfo(fd).OrThrow("read info of BPF program", path).Id;
    }

    private static (BpfProgramInfo Program, ProgramCodeInfo Code) Read(uint programId)
    {
        NativeRuntime.EnsureLibbpf();
        using SafeFdHandle fd = KernelInventory.OpenById(Libbpf.ObjectKind.Program, programId)
            ?? throw new BpfException(ErrorId.BpfProgramNotFound, $"No BPF program with id {programId} is loaded.",
                programId);
        BpfProgramInfo program = KernelInventory.DescribeProgram(fd);
        ProgramCodeInfo code = BpfSystem.Current.ProgramCode(fd).OrThrow("read the code of BPF program", programId);
        return (program, code);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLowerInvariant();

    private static BpfException NotAvailable(BpfProgramInfo program, string what) =>
        new(ErrorId.ProgramCodeNotAvailable,
            $"The kernel gives no {what} for program '{program.Name}' (id {program.Id}).", program.Id);

    /// <summary>Line and function records of a program, with its BTF for their strings.</summary>
    private sealed class SourceLines
    {
        private readonly Libbpf.BpfLineInfo[] _lines;
        private readonly Libbpf.BpfFuncInfo[] _functions;
        private readonly BtfTypeTable? _btf;

        internal SourceLines(ProgramCodeInfo code)
        {
            // The kernel reports line records in instruction order; sorting keeps a lookup right regardless.
            _lines = code.LineInfo.OrderBy(l => l.InsnOff).ToArray();
            _functions = code.FuncInfo.OrderBy(f => f.InsnOff).ToArray();
            _btf = code.BtfId != 0 && (_lines.Length > 0 || _functions.Length > 0)
                ? BtfTypeTable.TryLoad(code.BtfId) : null;
        }

        /// <summary>The record covering the instruction (the last at or before it); whether it starts there.</summary>
        internal (Libbpf.BpfLineInfo? Line, bool Starts) At(uint slot)
        {
            int k = LastAtOrBefore(_lines.Length, i => _lines[i].InsnOff, slot);
            return k < 0 ? (null, false) : (_lines[k], _lines[k].InsnOff == slot);
        }

        internal string? FunctionAt(uint slot)
        {
            int k = LastAtOrBefore(_functions.Length, i => _functions[i].InsnOff, slot);
            return k < 0 ? null : _btf?.NameOf(_functions[k].TypeId);
        }

        /// <summary>The JIT emits functions in func info order, so the f-th image is the f-th record's.</summary>
        internal string? FunctionOfJited(int f) =>
            f < _functions.Length ? _btf?.NameOf(_functions[f].TypeId) : null;

        internal string? File(Libbpf.BpfLineInfo? line) => line is { } l ? _btf?.StringAt(l.FileNameOff) : null;
        internal string? Text(Libbpf.BpfLineInfo? line) => line is { } l ? _btf?.StringAt(l.LineOff)?.Trim() : null;
        internal static int? LineOf(Libbpf.BpfLineInfo? line) => line is { } l ? (int)(l.LineCol >> 10) : null;
        internal static int? ColumnOf(Libbpf.BpfLineInfo? line) => line is { } l ? (int)(l.LineCol & 0x3ff) : null;

        private static int LastAtOrBefore(int count, Func<int, uint> offset, uint slot)
        {
            int lo = 0, hi = count - 1, found = -1;
            while (lo <= hi)
            {
                int mid = (lo + hi) / 2;
                if (offset(mid) <= slot) { found = mid; lo = mid + 1; }
                else hi = mid - 1;
            }
            return found;
        }
    }

    /// <summary>
    /// Names call targets as bpftool does for xlated code: a helper id by the kernel's enum bpf_func_id, else
    /// the kernel symbol at __bpf_call_base + imm (a subprogram by its jited address), else the address.
    /// </summary>
    private sealed class CallNames
    {
        private readonly ProgramCodeInfo _code;
        private KernelSymbols? _symbols;

        internal CallNames(ProgramCodeInfo code) => _code = code;

        internal string Name(BpfInsn call)
        {
            if (call.Src == 0 && KernelSymbols.HelperName(call.Imm) is string helper)
                return helper;
            _symbols ??= KernelSymbols.Load(Targets);
            ulong address = Target(call, _symbols.CallBaseAddress);
            string? name = _symbols.NameAt(address);
            if (call.Src != 1)
                return name ?? $"0x{address:x}";
            string pc = call.Off.ToString("+0;-0;+0", System.Globalization.CultureInfo.InvariantCulture);
            if (_code.JitedFunctionAddresses.Length == 0)
                return pc;
            return name is null ? $"{pc}#0x{address:x}" : $"{pc}#{name}";
        }

        private ulong Target(BpfInsn call, ulong callBase) =>
            call.Src == 1 && (uint)call.Imm < (uint)_code.JitedFunctionAddresses.Length
                ? _code.JitedFunctionAddresses[call.Imm]
                : unchecked(callBase + (ulong)(long)call.Imm);

        /// <summary>Every call's target address, so kallsyms is read once for all of them.</summary>
        private IEnumerable<ulong> Targets(ulong callBase)
        {
            byte[] x = _code.Xlated;
            for (int slot = 0; slot < x.Length / 8; slot++)
            {
                BpfInsn i = BpfInsn.At(x, slot);
                if (i.Code == 0x85)
                    yield return Target(i, callBase);
            }
        }
    }
}
