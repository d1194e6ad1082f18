namespace EbpfPs.Commands;

/// <summary>
/// What -Verbose says a cmdlet did, in one wording for every cmdlet that does it: which program, by name and id,
/// went where, in which network namespace, and how.
/// </summary>
internal static class ActionMessages
{
    internal static string Attached(object attachment) => attachment switch
    {
        XdpAttachment x => $"Attached XDP program {x.ProgramName} (id {x.ProgramId}) to {x.Interface} in " +
            $"{Ns(x.NetNamespace)} ({x.Mode}).",
        TcAttachment t => $"Attached TC program {t.ProgramName} (id {t.ProgramId}) to {t.Interface} " +
            $"{t.Direction.ToString().ToLowerInvariant()} in {Ns(t.NetNamespace)} ({t.Mode}, priority {t.Priority}, " +
            $"handle {t.Handle}).",
        _ => $"Attached {attachment}.",
    };

    internal static string Detached(XdpAttachment x) =>
        $"Detached XDP program {x.ProgramName} (id {x.ProgramId}) from {x.Interface} in {Ns(x.NetNamespace)}.";

    internal static string Detached(TcAttachment t) =>
        $"Detached TC program {t.ProgramName} (id {t.ProgramId}) from {t.Interface} " +
        $"{t.Direction.ToString().ToLowerInvariant()} in {Ns(t.NetNamespace)} ({t.Mode}).";

    internal static string Loaded(BpfObject o, string file) =>
        $"Loaded object {file}: {Count(o.Programs.Count, "program")}, {Count(o.Maps.Count, "map")}" +
        (o.PinPath is string pins ? $", pinned under {pins}." : ".");

    internal static string Count(long n, string noun) => n == 1 ? $"1 {noun}"
        : noun.EndsWith("y", System.StringComparison.Ordinal) ? $"{n} {noun[..^1]}ies"
        : noun.EndsWith("ch", System.StringComparison.Ordinal) ? $"{n} {noun}es" : $"{n} {noun}s";

    private static string Ns(string? netns) =>
        netns is { Length: > 0 } ? $"network namespace {netns}" : "this session's network namespace";
}
