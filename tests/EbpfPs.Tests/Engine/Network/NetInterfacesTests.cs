using System;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Network;

/// <summary>
/// NetInterfaces.Resolve: names are looked up as written (case-sensitive, an exact name before any pattern),
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

    [Fact]
    public void APlainNameIsLookedUpAsWritten()
    {
        Assert.Equal(new[] { (3, "veth-a") }, NetInterfaces.Resolve(new[] { "veth-a" }, null, Match));
        Assert.Equal(new[] { "InterfaceIndex (own)/veth-a" }, Fake.Log(nameof(IBpfSystem.InterfaceIndex)));
    }

    [Fact]
    public void PatternsExpandInIndexOrderWithoutDuplicates()
    {
        var found = NetInterfaces.Resolve(new[] { "veth-*", "veth-a", "veth[Z]" }, null, Match);

        Assert.Equal(new[] { (3, "veth-a"), (4, "veth-b"), (5, "vethZ") }, found);
    }

    [Fact]
    public void NamesAndPatternsAreCaseSensitiveAsLinuxNamesAre()
    {
        var e = Assert.Throws<BpfException>(() =>
            NetInterfaces.Resolve(new[] { "VETH-*" }, null, Match));
        Assert.Equal(ErrorId.InterfaceNotFound, e.ErrorId);
        Assert.Throws<BpfException>(() => NetInterfaces.Resolve(new[] { "ETH0" }, null, Match));
        Assert.Equal(new[] { (5, "vethZ") }, NetInterfaces.Resolve(new[] { "veth?" }, null,
            Match));
    }

    [Theory]
    [InlineData("x[1]", "x[1]")]
    [InlineData("a*b", "a*b")]
    public void AnExactNameIsThatInterfaceEvenWhenItLooksLikeAPattern(string text, string only)
    {
        var found = NetInterfaces.Find(new[] { text }, null, Match);

        FoundInterface f = Assert.Single(found);
        Assert.Equal((only, false), (f.Name, f.FromPattern));
    }

    [Fact]
    public void APatternWithoutAnExactMatchExpandsAndSaysSo()
    {
        var found = NetInterfaces.Find(new[] { "x[0-9]" }, null, Match);

        Assert.Equal(new[] { new FoundInterface(Fake.Interface("x1").Index, "x1", true) }, found);
    }

    [Theory]
    [InlineData("x1\0junk")]
    [InlineData("")]
    public void ANameWithANulOrNothingInItIsRefusedBeforeTheKernelSeesIt(string name)
    {
        var e = Assert.Throws<BpfException>(() =>
            NetInterfaces.Resolve(new[] { name }, null, Match));

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
            NetInterfaces.Resolve(new[] { "eth0", item }, null, Match));

        Assert.Equal(ErrorId.InterfaceNotFound, e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
        Assert.Equal(item, e.Target);
        Assert.Equal((int)Errno.ENODEV, e.Errno);
        Assert.Contains("this network namespace", e.Message);
    }

    [Fact]
    public void InANamedNamespaceOnlyItsInterfacesCount()
    {
        var found = NetNamespace.Run("ns-r", () => NetInterfaces.Resolve(new[] { "veth*" }, "ns-r", Match));
        Assert.Equal(new[] { (7, "veth-r1") }, found);

        var e = Assert.Throws<BpfException>(() =>
            NetNamespace.Run("ns-r", () => NetInterfaces.Resolve(new[] { "eth0" }, "ns-r", Match)));
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
