using System;
using System.Linq;
using System.Xml.Linq;
using EbpfPs.Engine.Measuring;
using Xunit;

namespace EbpfPs.Tests.Engine.Measuring;

/// <summary>
/// Faster, slower or not distinguishable, from made-up intervals: the ratio table and the chart say what the
/// intervals allow, never what two medians alone suggest. The chart's SVG from made-up rows is read back as XML.
/// </summary>
public sealed class HookComparisonTests
{
    private static RateInterval R(double low, double median, double high, int samples = 3) =>
        new(low, median, high, samples);

    [Fact]
    public void DisjointIntervalsAreFasterOrSlower()
    {
        Assert.Equal(RateVerdict.Faster, HookComparison.Compare(R(3.1, 3.4, 3.7), R(1.2, 1.4, 1.6)));
        Assert.Equal(RateVerdict.Slower, HookComparison.Compare(R(1.2, 1.4, 1.6), R(3.1, 3.4, 3.7)));
    }

    [Fact]
    public void OverlappingIntervalsAreNotDistinguishableEvenWithMediansApart()
    {
        // Medians 20 % apart, but TC's fastest sample beats native's slowest.
        RateVerdict v = HookComparison.Compare(R(1.0, 1.2, 1.5), R(0.8, 1.0, 1.1));
        Assert.Equal(RateVerdict.NotDistinguishable, v);
        Assert.Equal("not distinguishable here", HookComparison.Words(v));
    }

    [Fact]
    public void TouchingIntervalsAreNotDistinguishable() =>
        Assert.Equal(RateVerdict.NotDistinguishable, HookComparison.Compare(R(2, 2.5, 3), R(1, 1.5, 2)));

    [Fact]
    public void FewerThanThreeSamplesGiveNoInterval()
    {
        Assert.False(R(5, 5, 5, samples: 1).Known);
        Assert.Equal(RateVerdict.NotDistinguishable, HookComparison.Compare(R(5, 5, 5, 2), R(1, 1, 1, 2)));
        Assert.Equal(RateVerdict.NotDistinguishable, HookComparison.Compare(R(5, 6, 7), R(1, 1, 1, 1)));
    }

    [Fact]
    public void RatiosAreAgainstTcPerProgramTrafficAndSizeOnTheComparedRate()
    {
        HookRate[] rows =
        {
            Row("drop", MeasureTraffic.LiveFrames, "XdpNative", 64, R(3.1e6, 3.4e6, 3.7e6), R(1, 1, 1)),
            Row("drop", MeasureTraffic.LiveFrames, "TcIngress", 64, R(1.2e6, 1.4e6, 1.6e6), R(9, 9, 9)),
            Row("drop", MeasureTraffic.LiveFrames, "XdpGeneric", 1500, R(1, 2, 3), R(1, 1, 1)),
            // TCP compares bits: its packet rate says the opposite and must not decide.
            Row("router", MeasureTraffic.Tcp, "XdpNative", 1500, R(9, 9, 9), R(7e9, 8e9, 9e9)),
            Row("router", MeasureTraffic.Tcp, "TcIngress", 1500, R(1, 1, 1), R(8.5e9, 9e9, 9.5e9)),
            Row("router", MeasureTraffic.Tcp, "Stack", 1500, R(1, 1, 1), R(9.6e9, 10e9, 11e9)),
        };
        var ratios = HookComparison.Ratios(rows);
        Assert.Equal(3, ratios.Count);    // no TC row at 1500 B for drop: no ratio there
        Assert.Equal((2.43, RateVerdict.Faster), (ratios[0].Ratio, ratios[0].Verdict));
        Assert.Equal(("XdpNative", 0.89, RateVerdict.NotDistinguishable),
            (ratios[1].Hook, ratios[1].Ratio, ratios[1].Verdict));
        Assert.Equal(("Stack", RateVerdict.Faster), (ratios[2].Hook, ratios[2].Verdict));
        Assert.Equal("XdpNative:TC 0.89 (not distinguishable here)", ratios[1].ToString());
    }

    [Fact]
    public void ChartIsXmlWithOneGroupPerRowTheRatiosAndTheConditionsOnce()
    {
        HookRate[] rows =
        {
            Row("drop", MeasureTraffic.LiveFrames, "XdpNative", 64, R(3.1e6, 3.4e6, 3.7e6), R(1.6e9, 1.7e9, 1.9e9)),
            Row("drop", MeasureTraffic.LiveFrames, "TcIngress", 64, R(1.2e6, 1.4e6, 1.6e6), R(6e8, 7e8, 8e8)),
            Row("drop", MeasureTraffic.LiveFrames, "XdpNative", 1500, R(1e6, 1e6, 1e6, 1), R(1e9, 1e9, 1e9, 1)),
        };
        XNamespace svg = "http://www.w3.org/2000/svg";
        XDocument doc = XDocument.Parse(HookChart.Render(rows, "a <title> & more"));
        var groups = doc.Descendants(svg + "g").Where(g => (string?)g.Attribute("class") == "row").ToList();
        Assert.Equal(rows.Length, groups.Count);
        Assert.All(groups, g => Assert.Equal(2, g.Elements(svg + "rect").Count()));    // Mpps and Gbit/s
        Assert.Equal(2, groups[0].Elements(svg + "path").Count());                       // min-max whiskers
        Assert.Empty(groups[2].Elements(svg + "path"));                                  // one sample: none
        var ratios = doc.Descendants(svg + "text").Where(t => (string?)t.Attribute("class") == "ratio")
            .Select(t => t.Value).ToList();
        Assert.Equal(new[] { "64 B: XdpNative:TC 2.43 (faster)" }, ratios);
        var conditions = doc.Descendants(svg + "text").Where(t => (string?)t.Attribute("class") == "condition")
            .Select(t => t.Value).ToList();
        Assert.Equal(new[] { "GRO on", "generator on CPU 1" }, conditions);
        Assert.Contains(doc.Descendants(svg + "text"), t => t.Value == "a <title> & more");
    }

    [Fact]
    public void EmptyRowsStillMakeAValidChart() =>
        Assert.DoesNotContain(XDocument.Parse(HookChart.Render(Array.Empty<HookRate>(), "none")).Descendants(),
            e => (string?)e.Attribute("class") == "row");

    [Fact]
    public void NiceStepsAreRound()
    {
        Assert.Equal(1, HookChart.NiceStep(4.2));
        Assert.Equal(2.5, HookChart.NiceStep(11));
        Assert.Equal(0.5, HookChart.NiceStep(2.3));
    }

    private static HookRate Row(string program, MeasureTraffic traffic, string hook, int size, RateInterval packets,
        RateInterval bits) => new()
    {
        Program = program, Traffic = traffic, Hook = hook, PacketSize = size, Packets = packets, Bits = bits,
        Conditions = HookRate.SplitNote("GRO on; generator on CPU 1"),
    };
}
