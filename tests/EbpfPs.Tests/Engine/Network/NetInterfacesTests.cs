using System;
using System.Collections.Generic;
using EbpfPs.Engine.Attach;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Network;

/// <summary>
/// Attachments.Resolve: names are looked up as written (case-sensitive, an exact name before any pattern),
/// patterns expand, no match is an error, a NUL never reaches the kernel.
/// </summary>
public sealed class NetInterfacesTests : FakeKernelTest
{
    public NetInterfacesTests()
    {
        foreach (string name in new[] { "eth0", "veth-a", "veth-b", "vethZ", "br0", "x1", "x[1]", "ab", "a*b" })
            Fake.AddInterface(name);
        Fake.AddNamespace("ns-r");
        Fake.AddInterface("veth-r1", "ns-r", index: 7);
    }

    private static Func<string, bool> Match(string pattern) => Wildcards.InterfaceMatcher(pattern);

    private static List<NetInterface> Resolve(string? netns, params string[] namesOrPatterns) =>
        Attachments.Resolve(new InterfaceQuery(namesOrPatterns, netns, Match));

    [Fact]
    public void APlainNameIsLookedUpAsWritten()
    {
        Assert.Equal(new[] { new NetInterface(3, "veth-a") }, Resolve(null, "veth-a"));
        Assert.Equal(new[] { "InterfaceIndex (own)/veth-a" }, Fake.Log(nameof(IBpfSystem.InterfaceIndex)));
    }

    [Fact]
    public void PatternsExpandInIndexOrderWithoutDuplicates()
    {
        var found = Resolve(null, "veth-*", "veth-a", "veth[Z]");

        Assert.Equal(
            new[] { new NetInterface(3, "veth-a"), new NetInterface(4, "veth-b"), new NetInterface(5, "vethZ") }, found);
    }

    [Fact]
    public void NamesAndPatternsAreCaseSensitiveAsLinuxNamesAre()
    {
        var e = Assert.Throws<BpfException>(() =>
            Resolve(null, "VETH-*"));
        Assert.Equal(ErrorId.InterfaceNotFound, e.ErrorId);
        Assert.Throws<BpfException>(() => Resolve(null, "ETH0"));
        Assert.Equal(new[] { new NetInterface(5, "vethZ") }, Resolve(null, "veth?"));
    }

    [Theory]
    [InlineData("x[1]", "x[1]")]
    [InlineData("a*b", "a*b")]
    public void AnExactNameIsThatInterfaceEvenWhenItLooksLikeAPattern(string text, string only)
    {
        var fromPattern = new HashSet<int>();
        var found = NetInterfaces.FindHere(new[] { text }, null, Match, fromPattern);

        Assert.Equal(only, Assert.Single(found).Name);
        Assert.Empty(fromPattern);
    }

    [Fact]
    public void APatternWithoutAnExactMatchExpandsAndSaysSo()
    {
        var fromPattern = new HashSet<int>();
        var found = NetInterfaces.FindHere(new[] { "x[0-9]" }, null, Match, fromPattern);

        int x1 = Fake.Interface("x1").Index;
        Assert.Equal(new[] { new NetInterface(x1, "x1") }, found);
        Assert.Equal(new[] { x1 }, fromPattern);
    }

    [Theory]
    [InlineData("x1\0junk")]
    [InlineData("")]
    public void ANameWithANulOrNothingInItIsRefusedBeforeTheKernelSeesIt(string name)
    {
        var e = Assert.Throws<BpfException>(() =>
            Resolve(null, name));

        Assert.Equal(ErrorId.InvalidInterfaceName, e.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidArgument, e.Kind);
        Assert.Empty(Fake.Log(nameof(IBpfSystem.InterfaceIndex)));
        Assert.Throws<BpfException>(() => NetInterfaces.IndexOf(name, null));
        Assert.Empty(Fake.Log(nameof(IBpfSystem.InterfaceIndex)));
    }

    [Theory]
    [InlineData("veth-q")]
    [InlineData("wlan*")]
    public void ANameOrPatternThatMatchesNothingIsInterfaceNotFound(string item)
    {
        var e = Assert.Throws<BpfException>(() =>
            Resolve(null, "eth0", item));

        Assert.Equal(ErrorId.InterfaceNotFound, e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
        Assert.Equal(item, e.Target);
        Assert.Equal((int)Errno.ENODEV, e.Errno);
        Assert.Contains("this network namespace", e.Message);
    }

    [Fact]
    public void InANamedNamespaceOnlyItsInterfacesCount()
    {
        var found = Resolve("ns-r", "veth*");
        Assert.Equal(new[] { new NetInterface(7, "veth-r1", "ns-r") }, found);

        var e = Assert.Throws<BpfException>(() =>
            Resolve("ns-r", "eth0"));
        Assert.Contains("network namespace 'ns-r'", e.Message);
    }

    [Theory]
    [InlineData("ns-missing")]
    [InlineData("../etc")]
    public void AMissingOrMalformedNamespaceIsNetNamespaceNotFoundBeforeAnyThreadEntersIt(string name)
    {
        var e = Assert.Throws<BpfException>(() => NetNamespace.Run(name, () => 0));

        Assert.Equal(ErrorId.NetNamespaceNotFound, e.ErrorId);
        Assert.Empty(Fake.Log(nameof(IBpfSystem.EnterNetNamespace)));
    }
}
