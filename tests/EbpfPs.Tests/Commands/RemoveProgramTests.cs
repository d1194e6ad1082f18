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
public sealed class RemoveProgramTests : FakeKernelTest
{
    public RemoveProgramTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(21, "other", BpfProgType.Xdp)
            .AddProgram(40, "tc_count", BpfProgType.SchedCls);
        Fake.AddNamespace("lab");
        Fake.AddInterface("veth-a", "lab");
        Fake.AddInterface("veth-b", "lab");
        Fake.AddInterface("eth-a");
        Fake.SetXdp("veth-a", XdpAttachMode.Skb, 20, "lab").SetXdp("veth-b", XdpAttachMode.Drv, 21, "lab");
        Fake.AddFilter("eth-a", TcAttachPoint.Ingress, new FakeFilter(1, 1, 40));
        Fake.AddFilter("eth-a", TcAttachPoint.Egress, new FakeFilter(1, 1, 20));
    }

    [Fact]
    public void ProgramsFromGetBpfProgramBindAndWhatIfChangesNothing()
    {
        PipelineResult r = Script(Fake,
            "Get-BpfProgram | Where-Object Name -eq xdp_new | Remove-BpfProgram -Detach -WhatIf");

        Assert.True(!r.AllErrors.Any(), r.ToString());
        Assert.Empty(Fake.Mutations);
    }

    [Fact]
    public void DetachTakesTheProgramOffEveryHookThatRunsItAndNoOther()
    {
        PipelineResult r = Script(Fake,
            "Get-BpfProgram | Where-Object Name -eq xdp_new | Remove-BpfProgram -Detach -Confirm:$false");

        // This namespace first, then each named one; the XDP detach names the program it expects to find there.
        Assert.Equal(new[]
            {
                "TcDetach eth-a Egress handle 1 priority 1", "XdpDetach lab/veth-a SkbMode, Replace expected 20",
            },
            Fake.Mutations);
        Assert.Equal((0u, 0u, 0u), Fake.XdpOf("veth-a", "lab"));
        Assert.Equal((21u, 0u, 0u), Fake.XdpOf("veth-b", "lab"));
        // The fake never frees a program, so it is reported as still held, by nothing the module can see.
        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<RemoveBpfProgramCommand>(ErrorId.ProgramStillLoaded), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceBusy, e.CategoryInfo.Category);
        Assert.Contains("BPF program 20 (xdp_new) is still loaded", e.ToString());
    }

    [Fact]
    public void WithoutDetachTheAttachmentsAreNamedAndLeftAlone()
    {
        PipelineResult r = Run(Fake, ps => ps.AddCommand("Remove-BpfProgram").AddParameter("Id", new[] { 20u })
            .AddParameter("Confirm", false));

        Assert.Empty(Fake.Mutations);
        string message = Assert.Single(r.AllErrors).ToString();
        Assert.Contains("XDP (Generic) on veth-a in namespace lab (-Detach detaches it)", message);
        Assert.Contains("TC egress filter (priority 1, handle 1) on eth-a in this namespace", message);
    }

    [Fact]
    public void AnIdThatIsNotLoadedIsObjectNotFound()
    {
        PipelineResult r = Run(Fake, ps => ps.AddCommand("Remove-BpfProgram").AddParameter("Id", new[] { 99u })
            .AddParameter("Detach").AddParameter("Confirm", false));

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<RemoveBpfProgramCommand>(ErrorId.BpfProgramNotFound), e.FullyQualifiedErrorId);
        Assert.Empty(Fake.Mutations);
    }
}
