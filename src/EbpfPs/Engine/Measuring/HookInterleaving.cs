using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Objects;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Engine.Measuring;

/// <summary>One sample's place in a run, as the traffic's sample function sees it.</summary>
internal sealed record SampleSlot(BpfHook Hook, int Size, int Round, ProgramCounters? Own)
{
    /// <summary>
    /// Tells how far a long sample got: a detail shown after the sample's status, and the share of the sample done
    /// (0 to 1).
    /// </summary>
    public Action<string, double> Report { get; init; } = (_, _) => { };
}

/// <summary>What one run interleaves, where the program goes, and how the traffic takes one sample.</summary>
internal sealed record Interleaving
{
    public required HookMeasurementOptions Options { get; init; }
    /// <summary>Frame sizes on the wire (iperf3's TCP has one, the MTU's, whatever -PacketSize says).</summary>
    public required IReadOnlyList<int> Sizes { get; init; }
    /// <summary>The interfaces (of one namespace) the program under test is attached to for each sample.</summary>
    public required IReadOnlyList<BpfTestInterface> AttachOn { get; init; }
    public required IReadOnlyDictionary<BpfHookKind, AttachableProgram> Programs { get; init; }
    /// <summary>Takes one sample while the program is attached; the traffic kind plugs itself in here.</summary>
    public required Func<SampleSlot, CancellationToken, MeasurementSample> Sample { get; init; }
    /// <summary>The progress line while a sample is taken.</summary>
    public required Func<SampleSlot, string> Status { get; init; }
    public required string Network { get; init; }
    /// <summary>The CPU the traffic's generator is pinned to, when it has one.</summary>
    public int? Cpu { get; init; }
}

/// <summary>
/// The measurement's one loop: for each round, size and hook (hooks interleaved, A B C A B C ..., so a noisy moment
/// spreads over all of them), attach the program at the hook, take one sample, detach (also when the sample fails);
/// then the median of each hook and size with its spread.
/// </summary>
internal static class HookInterleaving
{
    /// <summary>Samples every slot; notes is asked once sampling is done, for what held during the run.</summary>
    public static IReadOnlyList<HookThroughput> Run(Interleaving run, Func<IEnumerable<string>> notes,
        Action<string, int>? progress, CancellationToken cancel)
    {
        HookMeasurementOptions options = run.Options;
        var samples = new Dictionary<(BpfHook, int), List<MeasurementSample>>();
        var modes = new Dictionary<BpfHook, XdpMode?>();
        var counters = new Dictionary<BpfHookKind, ProgramCounters>();
        try
        {
            foreach (var (kind, program) in run.Programs)
                counters[kind] = ProgramCounters.For(program);
            int total = options.Repeat * run.Sizes.Count * options.Hooks.Count, done = 0;
            for (int round = 0; round < options.Repeat; round++)
                foreach (int size in run.Sizes)
                    foreach (BpfHook hook in options.Hooks)
                    {
                        cancel.ThrowIfCancellationRequested();
                        BpfHookKind? kind = BpfHooks.KindOf(hook);
                        var slot = new SampleSlot(hook, size, round, kind is BpfHookKind k ? counters[k] : null);
                        string status = run.Status(slot);
                        int before = done++;
                        progress?.Invoke(status, 100 * before / total);
                        slot = slot with
                        {
                            Report = (detail, part) => progress?.Invoke($"{status}: {detail}",
                                (int)(100 * (before + Math.Clamp(part, 0, 1)) / total)),
                        };
                        var (detach, mode) = Attach(hook, kind is BpfHookKind k2 ? run.Programs[k2] : null,
                            run.AttachOn);
                        try
                        {
                            modes[hook] = mode;
                            MeasurementSample sample = run.Sample(slot, cancel);
                            if (!samples.TryGetValue((hook, size), out List<MeasurementSample>? list))
                                samples[(hook, size)] = list = new List<MeasurementSample>();
                            list.Add(sample);
                        }
                        finally
                        {
                            detach();
                        }
                    }
            cancel.ThrowIfCancellationRequested();
        }
        finally
        {
            foreach (ProgramCounters c in counters.Values) c.Dispose();
        }

        var results = new List<HookThroughput>();
        List<string> said = notes().ToList();
        foreach (int size in run.Sizes)
            foreach (BpfHook hook in options.Hooks)
                results.Add(MeasurementSummary.Summarize(samples[(hook, size)], hook, size, options, modes[hook],
                    run.Network, run.Cpu, said));
        return results;
    }

    /// <summary>Attaches the program at the hook on interfaces of one namespace; the action detaches it.</summary>
    internal static (Action Detach, XdpMode? Mode) Attach(BpfHook hook, AttachableProgram? program,
        IReadOnlyList<BpfTestInterface> on)
    {
        if (program is null || BpfHooks.PointOf(hook) is not HookPoint at)
            return (() => { }, null);
        IReadOnlyList<IHookAttachment> done =
            Attachments.Attach(program, at, on.Select(i => i.AsNetInterface()).ToList());
        return (() => { foreach (IHookAttachment a in done) Attachments.Detach(a); }, (done[0] as XdpAttachment)?.Mode);
    }
}
