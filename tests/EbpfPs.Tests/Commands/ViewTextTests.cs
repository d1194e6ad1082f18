using System.Linq;
using EbpfPs.Commands;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// The text the format views hand PowerShell for free-text cells: lines that fit the column, broken between words,
/// so a name or a number is never split the way PowerShell's own wrapping splits it.
/// </summary>
public sealed class ViewTextTests
{
    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public void BreaksBetweenWordsNeverInsideOne()
    {
        string text = ViewText.Wrap("packets=1,234,567.8 bytes=1,851,851,700.2", 22);

        Assert.Equal(new[] { "packets=1,234,567.8", "bytes=1,851,851,700.2" }, Lines(text));
    }

    [Fact]
    public void KeepsWordsTogetherWhileTheyFit()
    {
        string[] lines = Lines(ViewText.Wrap("seq=0 saddr=198.18.0.1 daddr=198.18.0.2 sport=9 dport=9", 30));

        Assert.All(lines, l => Assert.True(l.Length <= 30, l));
        Assert.Equal("seq=0 saddr=198.18.0.1", lines[0]);
        Assert.Equal("seq=0 saddr=198.18.0.1 daddr=198.18.0.2 sport=9 dport=9", string.Join(" ", lines));
    }

    [Theory]
    [InlineData("/sys/fs/bpf/ux_gateway_k1/eu-west-1/edge-fw/ux_src_stats_by_flow", 25,
        "/sys/fs/bpf/|ux_gateway_k1/eu-west-1/|edge-fw/|ux_src_stats_by_flow")]
    [InlineData("enp129s0f1np1v9@ebpfps-73b58a77-r", 24, "enp129s0f1np1v9@|ebpfps-73b58a77-r")]
    [InlineData("kernel.unprivileged_bpf_disabled", 29, "kernel.|unprivileged_bpf_disabled")]
    public void ALongWordBreaksAfterASlashAnAtOrADotBeforeALetter(string word, int width, string expected)
    {
        Assert.Equal(expected.Split('|'), Lines(ViewText.Wrap(word, width)));
    }

    [Fact]
    public void ANumberIsNotBrokenAtItsDecimalPoint()
    {
        // No break character a number may be cut at: only where nothing else is left, at the width.
        string[] lines = Lines(ViewText.Wrap("12,001.9", 7));

        Assert.Equal(new[] { "12,001.", "9" }, lines);
        Assert.Equal(new[] { "12,001.9" }, Lines(ViewText.Wrap("12,001.9", 8)));
    }

    [Fact]
    public void KeepsLinesTheTextAlreadyHasAndJoinsLists()
    {
        Assert.Equal(new[] { "0:{packets=5}", "1:{packets=6}" },
            Lines(ViewText.Wrap("0:{packets=5}\n1:{packets=6}", 40)));
        Assert.Equal(new[] { "ns-a, ns-r,", "ns-b" }, Lines(ViewText.List(new[] { "ns-a", "ns-r", "ns-b" }, 11)));
        Assert.Equal("", ViewText.Wrap(null, 10));
        Assert.Equal("", ViewText.List(null, 10));
        Assert.Equal("short", ViewText.Wrap("short", 10));
        Assert.Equal(3, Lines(ViewText.Wrap(Enumerable.Range(100, 3).ToArray(), 4)).Length);
    }
}
