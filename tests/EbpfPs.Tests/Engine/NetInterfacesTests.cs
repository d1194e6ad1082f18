using System;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Network;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine;

/// <summary>NetInterfaces.Resolve: names are looked up as written, patterns expand, no match is an error.</summary>
public sealed class NetInterfacesTests : IDisposable
{
    private readonly FakeBpfSystem _fake = new();
    private readonly IDisposable _scope;

    public NetInterfacesTests()
    {
        foreach (string name in new[] { "eth0", "veth-a", "veth-b", "vethZ", "br0" })
            _fake.AddInterface(name);
        _fake.AddNamespace("ns-r");
        _fake.AddInterface("veth-r1", "ns-r", index: 7);
        _scope = BpfSystem.Use(_fake);
    }

    public void Dispose()
    {
        _scope.Dispose();
        _fake.Dispose();
    }

    [Fact]
    public void APlainNameIsLookedUpAsWritten()
    {
        Assert.Equal(new[] { (3, "veth-a") }, NetInterfaces.Resolve(new[] { "veth-a" }, null, Wildcards.Matcher));
        Assert.Equal(new[] { "InterfaceIndex (own)/veth-a" }, _fake.Log(nameof(IBpfSystem.InterfaceIndex)));
    }

    [Fact]
    public void PatternsExpandInIndexOrderCaseInsensitivelyAndWithoutDuplicates()
    {
        var found = NetInterfaces.Resolve(new[] { "VETH-*", "veth-a", "veth[Z]" }, null, Wildcards.Matcher);

        Assert.Equal(new[] { (3, "veth-a"), (4, "veth-b"), (5, "vethZ") }, found);
    }

    [Theory]
    [InlineData("veth-q")]
    [InlineData("wlan*")]
    public void ANameOrPatternThatMatchesNothingIsInterfaceNotFound(string item)
    {
        var e = Assert.Throws<BpfException>(() =>
            NetInterfaces.Resolve(new[] { "eth0", item }, null, Wildcards.Matcher));

        Assert.Equal(ErrorId.InterfaceNotFound, e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
        Assert.Equal(item, e.Target);
        Assert.Equal((int)Errno.ENODEV, e.Errno);
        Assert.Contains("this network namespace", e.Message);
    }

    [Fact]
    public void InANamedNamespaceOnlyItsInterfacesCount()
    {
        var found = NetNamespace.Run("ns-r", () => NetInterfaces.Resolve(new[] { "veth*" }, "ns-r", Wildcards.Matcher));
        Assert.Equal(new[] { (7, "veth-r1") }, found);

        var e = Assert.Throws<BpfException>(() =>
            NetNamespace.Run("ns-r", () => NetInterfaces.Resolve(new[] { "eth0" }, "ns-r", Wildcards.Matcher)));
        Assert.Contains("network namespace 'ns-r'", e.Message);
    }

    [Theory]
    [InlineData("ns-missing")]
    [InlineData("../etc")]
    public void AMissingOrMalformedNamespaceIsNetNamespaceNotFoundBeforeAnyThreadEntersIt(string name)
    {
        var e = Assert.Throws<BpfException>(() => NetNamespace.Run(name, () => 0));

        Assert.Equal(ErrorId.NetNamespaceNotFound, e.ErrorId);
        Assert.Empty(_fake.Log(nameof(IBpfSystem.EnterNetNamespace)));
    }
}
