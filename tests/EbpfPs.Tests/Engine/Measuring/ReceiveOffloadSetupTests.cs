using System;
using System.Linq;
using EbpfPs.Engine.Measuring;
using EbpfPs.Interop;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Measuring;

/// <summary>
/// -ReceiveOffload Off against the fake host: GRO goes off on the router's two interfaces only (the clients keep it,
/// as frames redirected into them need it), the note says so, and the undo puts it back. The real kernel's run is
/// Measure-HookThroughput.Offload.Tests.ps1.
/// </summary>
public sealed class ReceiveOffloadSetupTests : IDisposable
{
    private const string Gro = "generic-receive-offload";
    private readonly FakeRoutedNetwork _net = new();
    private readonly IDisposable _kernel, _host;

    public ReceiveOffloadSetupTests()
    {
        _kernel = BpfSystem.Use(_net.Kernel);
        _host = HostTools.Use(_net.Host);
    }

    public void Dispose()
    {
        _host.Dispose();
        _kernel.Dispose();
        _net.Kernel.Dispose();
    }

    [Fact]
    public void OffTurnsGroOffOnTheRouterOnlyAndPutsItBack()
    {
        _net.SetOffload("ClientB", Gro, false);

        MeasurementSetup setup = MeasurementSetup.ForIperf(_net.Network, FakeRoutedNetwork.OpenClientProgram,
            ReceiveOffload.Off);

        Assert.Equal(new[] { "ethtool -K veth-b gro on", "ethtool -K veth-ra gro off", "ethtool -K veth-rb gro off" },
            _net.Changes.Where(c => c.StartsWith("ethtool", StringComparison.Ordinal) && c.Contains(" gro ")));
        Assert.False(_net.OffloadOf("RouterA", Gro));
        Assert.False(_net.OffloadOf("RouterB", Gro));
        Assert.True(_net.OffloadOf("ClientA", Gro));
        Assert.True(_net.OffloadOf("ClientB", Gro));
        Assert.Contains(setup.Notes, n => n.StartsWith("GRO off on the router's interfaces (veth-ra, veth-rb)",
            StringComparison.Ordinal));

        setup.Dispose();

        Assert.True(_net.OffloadOf("RouterA", Gro));
        Assert.True(_net.OffloadOf("RouterB", Gro));
        Assert.False(_net.OffloadOf("ClientB", Gro));
    }

    [Fact]
    public void OnLeavesGroAsARouterHasIt()
    {
        using MeasurementSetup setup = MeasurementSetup.ForIperf(_net.Network, FakeRoutedNetwork.OpenClientProgram);

        Assert.DoesNotContain(_net.Changes, c => c.Contains(" gro ", StringComparison.Ordinal));
        Assert.DoesNotContain(setup.Notes, n => n.Contains("GRO off", StringComparison.Ordinal));
    }
}
