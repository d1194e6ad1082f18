using System.IO;
using System.Linq;
using EbpfPs.Tests.Conventions;
using EbpfPs.Engine.Measuring;
using Xunit;

namespace EbpfPs.Tests.Engine.Measuring;

/// <summary>
/// The short conditions a table shows once: every note the measurement writes has a short form without "; "
/// (the CSV joins them with it), and a note without one still shows, cut at its first clause.
/// </summary>
public sealed class MeasurementConditionsTests
{
    [Theory]
    [InlineData("forwarded A to B through the router; B drops arrivals with native XDP so the router is what is " +
        "measured", "routed A to B, B drops in XDP")]
    [InlineData("GRO was off on veth-b where redirected frames arrive and was turned on for the measurement",
        "GRO turned on at receivers")]
    [InlineData("64 flows: sources 198.19.0.1 to 198.19.0.64, UDP source ports 1024 to 1087", "64 flows")]
    [InlineData(FrameSources.PacketSocketNote, "packet socket sender (no live frames)")]
    [InlineData("TCP: BitsPerSecond is iperf3's received rate; Packets counts frames at B; Sent and Lost do not " +
        "apply (see Retransmits)", "TCP: iperf3's rate, Sent/Lost n/a")]
    public void KnownNotesHaveShortForms(string note, string expected)
    {
        Assert.Equal(expected, MeasurementConditions.Short(note));
        Assert.DoesNotContain("; ", expected);
    }

    [Fact]
    public void AnUnknownNoteIsCutAtItsFirstClause()
    {
        Assert.Equal("a new condition", MeasurementConditions.Short("a new condition; with more said"));
        string cut = MeasurementConditions.Short(new string('x', 100));
        Assert.True(cut.Length <= 48 && cut.EndsWith("...", System.StringComparison.Ordinal));
    }

    [Fact]
    public void ShortFormsAreListedOnceEach() =>
        Assert.Equal(new[] { "static neighbours on path" }, MeasurementConditions.Short(new[]
        {
            "neighbour entries on the routed path fixed (nud permanent) for the measurement",
            "neighbour entries on the routed path fixed (nud permanent) for the measurement",
        }).ToArray());

    [Fact]
    public void AboutEbpfPsMeasuringExplainsEveryShortForm()
    {
        string about = File.ReadAllText(Path.Combine(Repository.Root, "docs/help/about_EbpfPs_Measuring.help.txt"));
        Assert.Equal(11, MeasurementConditions.Known.Count);
        Assert.All(MeasurementConditions.Known, form => Assert.Contains("\n    " + form + "\n", about));
    }
}
