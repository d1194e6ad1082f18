namespace EbpfPs;

/// <summary>What every attachment record says, XDP or TC: the program, and the interface it runs on.</summary>
public interface IHookAttachment
{
    string Interface { get; }
    int Ifindex { get; }
    /// <summary>The named network namespace, or null for the one this session runs in.</summary>
    string? NetNamespace { get; }
    uint ProgramId { get; }
    string ProgramName { get; }
    /// <summary>Where the program's maps are pinned, when known.</summary>
    string? PinPath { get; }
    /// <summary>The program that ran there before, when -Force replaced one (an upgrade in place).</summary>
    uint? ReplacedProgramId { get; }
}
