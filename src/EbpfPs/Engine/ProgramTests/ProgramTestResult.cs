using EbpfPs.Engine.Packets;

namespace EbpfPs;

/// <summary>What one BPF_PROG_TEST_RUN said about a packet.</summary>
public sealed record ProgramTestResult
{
    public string Program { get; init; } = "";
    public uint ProgramId { get; init; }
    public string ProgramType { get; init; } = "";
    /// <summary>The verdict by name: XDP_PASS, XDP_DROP, TC_ACT_SHOT, ...</summary>
    public string Verdict { get; init; } = "";
    /// <summary>The verdict whatever the hook: Pass, Drop, Redirect, Tx, Aborted, Stolen (or Unknown).</summary>
    public BpfAction Action { get; init; }
    public int ReturnValue { get; init; }
    public int Repeat { get; init; }
    /// <summary>The kernel's average time per run over the repeats.</summary>
    public uint NsPerRun { get; init; }
    public BpfTestPacket? OutputPacket { get; init; }
    public BpfTestPacket? InputPacket { get; init; }

    public override string ToString() => $"{Program}: {Verdict}";
}
