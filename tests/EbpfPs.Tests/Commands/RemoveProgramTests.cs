using System;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Commands;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;
using static EbpfPs.Tests.Commands.PowerShellHost;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// `Get-BpfProgram | Where-Object Name -eq x | Remove-BpfProgram`: programs bind from the pipeline, and the
/// engine detaches exactly the hooks that run that program, in every namespace, and nothing else.
/// </summary>
public sealed class RemoveProgramTests : IDisposable
{
    private readonly FakeBpfSystem _fake = new();

    public RemoveProgramTests()
    {
        _fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(21, "other", BpfProgType.Xdp)
            .AddProgram(40, "tc_count", BpfProgType.SchedCls);
        _fake.AddNamespace("lab");
        _fake.AddInterface("veth-a", "lab");
        _fake.AddInterface("veth-b", "lab");
        _fake.AddInterface("eth-a");
        _fake.SetXdp("veth-a", XdpAttachMode.Skb, 20, "lab").SetXdp("veth-b", XdpAttachMode.Drv, 21, "lab");
        _fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(1, 1, 40));
        _fake.AddFilter("eth-a", TcAttachPoint.Egress, new FakeFilter(1, 1, 20));
    }

    public void Dispose() => _fake.Dispose();

    [Fact]
    public void ProgramsFromGetBpfProgramBindAndWhatIfChangesNothing()
    {
        PipelineResult r = Script(_fake,
            "Get-BpfProgram | Where-Object Name -eq xdp_new | Remove-BpfProgram -Detach -WhatIf");

        Assert.True(!r.AllErrors.Any(), r.ToString());
        Assert.Empty(_fake.Mutations);
    }

    [Fact]
    public void DetachTakesTheProgramOffEveryHookThatRunsItAndNoOther()
    {
        PipelineResult r = Script(_fake,
            "Get-BpfProgram | Where-Object Name -eq xdp_new | Remove-BpfProgram -Detach -Confirm:$false");

        // This namespace first, then each named one; the XDP detach names the program it expects to find there.
        Assert.Equal(new[]
            {
                "TcDetach eth-a Egress handle 1 priority 1", "XdpDetach lab/veth-a SkbMode, Replace expected 20",
            },
            _fake.Mutations);
        Assert.Equal((0u, 0u, 0u), _fake.XdpOf("veth-a", "lab"));
        Assert.Equal((21u, 0u, 0u), _fake.XdpOf("veth-b", "lab"));
        // The fake never frees a program, so it is reported as still held, by nothing the module can see.
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<RemoveBpfProgramCommand>(ErrorId.ProgramStillLoaded), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, e.CategoryInfo.Category);
        Assert.Contains("BPF program 20 (xdp_new) is still loaded", e.ToString());
    }

    [Fact]
    public void WithoutDetachTheAttachmentsAreNamedAndLeftAlone()
    {
        PipelineResult r = Run(_fake, ps => ps.AddCommand("Remove-BpfProgram").AddParameter("Id", new[] { 20u })
            .AddParameter("Confirm", false));

        Assert.Empty(_fake.Mutations);
        string message = Assert.Single(r.AllErrors).ToString();
        Assert.Contains("XDP (Generic) on veth-a in namespace lab (-Detach detaches it)", message);
        Assert.Contains("TC egress filter (priority 1, handle 1) on eth-a in this namespace", message);
    }

    [Fact]
    public void AnIdThatIsNotLoadedIsObjectNotFound()
    {
        PipelineResult r = Run(_fake, ps => ps.AddCommand("Remove-BpfProgram").AddParameter("Id", new[] { 99u })
            .AddParameter("Detach").AddParameter("Confirm", false));

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<RemoveBpfProgramCommand>(ErrorId.BpfProgramNotFound), e.FullyQualifiedErrorId);
        Assert.Empty(_fake.Mutations);
    }
}
