using System;
using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>
/// A program's code as the kernel reports it through bpf_prog_get_info_by_fd: the instructions after the
/// verifier (xlated), the machine code (jited), and the records that tie both to C source lines.
/// </summary>
internal sealed class ProgramCodeInfo
{
    public uint BtfId { get; init; }
    /// <summary>struct bpf_insn records, 8 bytes each (ld_imm64 takes two).</summary>
    public byte[] Xlated { get; init; } = Array.Empty<byte>();
    /// <summary>The JIT's image: every function's code, one after the other.</summary>
    public byte[] Jited { get; init; } = Array.Empty<byte>();
    public Libbpf.BpfLineInfo[] LineInfo { get; init; } = Array.Empty<Libbpf.BpfLineInfo>();
    /// <summary>The kernel address each line info record starts at in the jited image.</summary>
    public ulong[] JitedLineAddresses { get; init; } = Array.Empty<ulong>();
    /// <summary>Each function's start address in the kernel, in image order.</summary>
    public ulong[] JitedFunctionAddresses { get; init; } = Array.Empty<ulong>();
    public uint[] JitedFunctionLengths { get; init; } = Array.Empty<uint>();
    public Libbpf.BpfFuncInfo[] FuncInfo { get; init; } = Array.Empty<Libbpf.BpfFuncInfo>();
}

internal static unsafe partial class Libbpf
{
    /// <summary>struct bpf_line_info (uapi): line_col holds the line above bit 10 and the column below.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct BpfLineInfo
    {
        public uint InsnOff, FileNameOff, LineOff, LineCol;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_create(int type, byte* name, uint keySize, uint valueSize, uint maxEntries,
        BpfMapCreateOpts* opts);

    /// <summary>struct bpf_map_create_opts of libbpf 1.1 (sz first: a later libbpf reads only what we set).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct BpfMapCreateOpts
    {
        public nuint Sz;
        public uint BtfFd, BtfKeyTypeId, BtfValueTypeId, BtfVmlinuxValueTypeId;
        public uint InnerMapFd, MapFlags;
        public ulong MapExtra;
        public uint NumaNode, MapIfindex;
    }

    /// <summary>
    /// Reads a program's code in two info calls: the first says how long each array is, the second fills arrays
    /// of those lengths (the kernel never writes more than a count we give it).
    /// </summary>
    internal static Result<ProgramCodeInfo> ReadProgramCode(SafeFdHandle fd)
    {
        Result<BpfProgInfo> sizes = GetInfo<BpfProgInfo>(fd);
        if (!sizes.Ok)
            return sizes.Errno;
        BpfProgInfo s = sizes.Value;
        var code = new ProgramCodeInfo
        {
            BtfId = s.BtfId,
            Xlated = new byte[s.XlatedProgLen],
            Jited = new byte[s.JitedProgLen],
            LineInfo = new BpfLineInfo[s.NrLineInfo],
            JitedLineAddresses = new ulong[s.NrJitedLineInfo],
            JitedFunctionAddresses = new ulong[s.NrJitedKsyms],
            JitedFunctionLengths = new uint[s.NrJitedFuncLens],
            FuncInfo = new BpfFuncInfo[s.NrFuncInfo],
        };
        fixed (byte* xlated = code.Xlated, jited = code.Jited)
        fixed (BpfLineInfo* lines = code.LineInfo)
        fixed (ulong* jitedLines = code.JitedLineAddresses, ksyms = code.JitedFunctionAddresses)
        fixed (uint* funcLens = code.JitedFunctionLengths)
        fixed (BpfFuncInfo* funcs = code.FuncInfo)
        {
            var request = new BpfProgInfo
            {
                XlatedProgLen = s.XlatedProgLen, XlatedProgInsns = (ulong)xlated,
                JitedProgLen = s.JitedProgLen, JitedProgInsns = (ulong)jited,
                NrLineInfo = s.NrLineInfo, LineInfoRecSize = (uint)sizeof(BpfLineInfo), LineInfo = (ulong)lines,
                NrJitedLineInfo = s.NrJitedLineInfo, JitedLineInfoRecSize = sizeof(ulong),
                JitedLineInfo = (ulong)jitedLines,
                NrJitedKsyms = s.NrJitedKsyms, JitedKsyms = (ulong)ksyms,
                NrJitedFuncLens = s.NrJitedFuncLens, JitedFuncLens = (ulong)funcLens,
                NrFuncInfo = s.NrFuncInfo, FuncInfoRecSize = (uint)sizeof(BpfFuncInfo), FuncInfo = (ulong)funcs,
            };
            Result read = GetInfoInto(fd, ref request);
            if (!read.Ok)
                return read.Errno;
        }
        return code;
    }

    /// <summary>
    /// BPF_MAP_CREATE with no BTF: the map exists as long as an fd or a pin holds it. The name is cut to the 15
    /// bytes the kernel keeps (it refuses longer ones) by the caller, who checks it.
    /// </summary>
    internal static Result<SafeFdHandle> CreateMap(BpfMapType type, string name, uint keySize, uint valueSize,
        uint maxEntries, uint flags)
    {
        byte* cName = stackalloc byte[16];
        int n = System.Text.Encoding.UTF8.GetBytes(name.AsSpan(), new Span<byte>(cName, 15));
        cName[n] = 0;
        var opts = new BpfMapCreateOpts { Sz = (nuint)sizeof(BpfMapCreateOpts), MapFlags = flags };
        int fd = bpf_map_create((int)type, cName, keySize, valueSize, maxEntries, &opts);
        return fd >= 0 ? new SafeFdHandle(fd) : (Errno)(-fd);
    }
}
