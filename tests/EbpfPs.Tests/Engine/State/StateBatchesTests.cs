using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.State;
using Xunit;

namespace EbpfPs.Tests.Engine.State;

/// <summary>
/// Set's batching: the new attachments of one entry become one step at the place of the entry's first, so an entry
/// on n interfaces is one attach call; replacements, other entries and other steps keep their order, and a lone new
/// attachment stays the step it was (its messages name its interface).
/// </summary>
public sealed class StateBatchesTests
{
    private static readonly StateSource Source = new("/etc/ebpfps/s.psd1", "Programs[0]", 2);

    private static StateProgram Entry(string name, BpfHook hook, params string[] on) => new(name, "o.o", null, hook,
        on.Select(i => new StateInterface(i, Source)).ToArray(), null, Source);

    private static AttachStep Step(StateProgram entry, string iface, int index, bool replaces = false) =>
        new(StatePlanner.Difference(entry, new StateInterface(iface, Source), "x", "(none)",
                replaces ? BpfStateAction.Replace : BpfStateAction.Attach), entry, new NetInterface(index, iface),
            replaces ? new XdpAttachment { Interface = iface, Ifindex = index, ProgramId = 7 } : null);

    [Fact]
    public void AnEntrysNewAttachmentsAreOneStepAtTheFirstsPlace()
    {
        StateProgram edge = Entry("edge", BpfHook.XdpGeneric, "a", "b", "c", "d");
        StateProgram count = Entry("count", BpfHook.TcIngress, "a", "b");
        var steps = new List<StateStep>
        {
            Step(edge, "a", 1), Step(edge, "b", 2), Step(edge, "c", 3, replaces: true), Step(edge, "d", 4),
            Step(count, "a", 1), Step(count, "b", 2),
        };

        List<StateStep> merged = StateBatches.Merge(steps);

        Assert.Equal(3, merged.Count);
        var first = Assert.IsType<AttachBatchStep>(merged[0]);
        Assert.Equal(new[] { "a", "b", "d" }, first.Differences.Select(d => d.Target));
        Assert.Same(steps[2], merged[1]);
        var second = Assert.IsType<AttachBatchStep>(merged[2]);
        Assert.Equal(new[] { "a", "b" }, second.Differences.Select(d => d.Target));
        Assert.All(second.Differences, d => Assert.Equal("count", d.Item));
        // Every difference chosen is reported once, in the plan's order per entry.
        Assert.Equal(6, merged.SelectMany(s => s.Differences).Count());
    }

    [Fact]
    public void ALoneNewAttachmentStaysItsOwnStep()
    {
        StateProgram edge = Entry("edge", BpfHook.XdpGeneric, "lo");
        AttachStep only = Step(edge, "lo", 1);

        StateStep merged = Assert.Single(StateBatches.Merge(new[] { only }));

        Assert.Same(only, merged);
        Assert.Equal("Attach lo (s.psd1 line 2 (Programs[0]))", merged.ToString());
    }
}
