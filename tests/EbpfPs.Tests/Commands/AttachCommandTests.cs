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
/// Add-, Get- and Remove-XdpProgram and -TcProgram end to end in PowerShell against the fake kernel: what the
/// kernel is asked to do, what the cmdlets return, and that -WhatIf asks nothing that changes state.
/// </summary>
public sealed class AttachCommandTests : FakeKernelTest
{
    public AttachCommandTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(40, "tc_count", BpfProgType.SchedCls)
            .AddProgram(41, "tc_other", BpfProgType.SchedCls);
        foreach (string name in new[] { "eth-a", "eth-b", "br0" })
            Fake.AddInterface(name);
        Fake.AddNamespace("ns-x");
        Fake.AddInterface("veth0", "ns-x");
    }

    private PipelineResult Ps(string script)
    {
        PipelineResult r = Script(Fake, script);
        Assert.True(!r.AllErrors.Any(), r.ToString());
        return r;
    }

    [Fact]
    public void XdpAddGetRemove()
    {
        var added = Ps("Add-XdpProgram -Interface eth-* -Program 20 -Mode Native -PassThru").Of<XdpAttachment>()
            .ToList();
        Assert.Equal(new[] { "eth-a", "eth-b" }, added.Select(a => a.Interface));
        Assert.All(added, a => Assert.Equal((XdpMode.Native, 20u, "xdp_new", (uint?)null),
            (a.Mode, a.ProgramId, a.ProgramName, a.ReplacedProgramId)));
        Assert.Equal(new[]
        {
            "XdpAttach eth-a prog 20 UpdateIfNoexist, DrvMode", "XdpAttach eth-b prog 20 UpdateIfNoexist, DrvMode",
        }, Fake.Mutations);

        var listed = Ps("Get-XdpProgram").Of<XdpAttachment>().ToList();
        Assert.Equal(added, listed);
        Assert.Equal("eth-b", Assert.Single(Ps("Get-XdpProgram -Interface *-b").Of<XdpAttachment>()).Interface);

        // Get-XdpProgram's objects bind to Remove-XdpProgram by property name (Interface, NetNamespace).
        var removed = Ps("Get-XdpProgram | Remove-XdpProgram -PassThru").Of<XdpAttachment>().ToList();
        Assert.Equal(added, removed);
        Assert.Equal(new[]
            {
                "XdpDetach eth-a DrvMode, Replace expected 20", "XdpDetach eth-b DrvMode, Replace expected 20",
            },
            Fake.Mutations.Skip(2));
        Assert.Empty(Ps("Get-XdpProgram").Output);
    }

    [Fact]
    public void XdpInANamedNamespaceAndAcrossAllOfThem()
    {
        Ps("Add-XdpProgram veth0 20 -NetNamespace ns-x -Mode Generic");
        Ps("Add-XdpProgram br0 20");

        var all = Ps("Get-XdpProgram -AllNamespaces").Of<XdpAttachment>().ToList();

        Assert.Equal(new[] { ("br0", (string?)null, XdpMode.Native), ("veth0", "ns-x", XdpMode.Generic) },
            all.Select(a => (a.Interface, a.NetNamespace, a.Mode)));
        Assert.Equal((0u, 20u, 0u), Fake.XdpOf("veth0", "ns-x"));
        Assert.Contains("EnterNetNamespace ns-x", Fake.Log(nameof(IBpfSystem.EnterNetNamespace)));
    }

    [Fact]
    public void XdpWhatIfChangesNothing()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Skb, 20);

        PipelineResult r = Ps("Add-XdpProgram eth-b 20 -WhatIf -PassThru; Remove-XdpProgram eth-a -WhatIf -PassThru");

        Assert.Empty(r.Output);
        Assert.Empty(Fake.Mutations);
        Assert.Equal((0u, 20u, 0u), Fake.XdpOf("eth-a"));
    }

    [Fact]
    public void TcAddGetRemove()
    {
        TcAttachment added = Assert.Single(Ps("Add-TcProgram eth-a -Program 40 -Direction Egress -PassThru")
            .Of<TcAttachment>());
        Assert.Equal(("eth-a", TcDirection.Egress, TcMode.Filter, 40u, "tc_count", true),
            (added.Interface, added.Direction, added.Mode, added.ProgramId, added.ProgramName, added.CreatedQdisc));
        Assert.Equal(new[] { "TcHookCreate eth-a", "TcAttach eth-a Egress prog 40 handle 0 priority 0 None" },
            Fake.Mutations);

        TcAttachment listed = Assert.Single(Ps("Get-TcProgram -Interface eth-a").Of<TcAttachment>());
        Assert.Equal(added with { DirectAction = true }, listed);
        Assert.Empty(Ps("Get-TcProgram -Direction Ingress").Output);

        TcAttachment removed = Assert.Single(Ps("Get-TcProgram | Remove-TcProgram -PassThru").Of<TcAttachment>());
        Assert.Equal(listed, removed);
        Assert.Equal(new[] { "TcDetach eth-a Egress handle 1 priority 49152", "TcHookDestroy eth-a" },
            Fake.Mutations.Skip(2));
        Assert.False(Fake.Interface("eth-a").Clsact);
        Assert.Empty(Fake.QdiscMarkerFiles());
    }

    [Fact]
    public void RemoveTcProgramSaysWhichWhenSeveralMatchAndRemovesTheChosenOne()
    {
        Fake.AddFilter("eth-b", TcAttachPoint.Ingress, new FakeFilter(1, 1, 40, Name: "tc_count"))
            .AddFilter("eth-b", TcAttachPoint.Ingress, new FakeFilter(2, 1, 41, Name: "tc_other"));

        PipelineResult ambiguous = Script(Fake, "Remove-TcProgram eth-b");
        Assert.Equal(Fqid<RemoveTcProgramCommand>(ErrorId.TcProgramAmbiguous),
            Assert.Single(ambiguous.AllErrors).FullyQualifiedErrorId);
        Assert.Empty(Fake.Mutations);

        Ps("Remove-TcProgram eth-b -ProgramName tc_oth*");
        Assert.Equal(new[] { "TcDetach eth-b Ingress handle 1 priority 2" }, Fake.Mutations);
        Assert.Equal(40u, Assert.Single(Fake.Interface("eth-b").Ingress).ProgramId);
        Assert.True(Fake.Interface("eth-b").Clsact); // not ours: it stays
    }

    [Fact]
    public void TcWhatIfChangesNothing()
    {
        Fake.AddFilter("eth-b", TcAttachPoint.Ingress, new FakeFilter(1, 1, 40, Name: "tc_count"));

        PipelineResult r = Ps("Add-TcProgram eth-a 40 -WhatIf -PassThru; " +
                              "Get-TcProgram | Remove-TcProgram -WhatIf -PassThru");

        Assert.Empty(r.Output);
        Assert.Empty(Fake.Mutations);
        Assert.Single(Fake.Interface("eth-b").Ingress);
        Assert.Empty(Fake.QdiscMarkerFiles());
    }

    [Fact]
    public void InterfacesFromSeveralPipelineObjectsAreAttachedAllOrNone()
    {
        Fake.Fail(nameof(IBpfSystem.XdpAttach), Errno.EBUSY, nth: 2);

        PipelineResult r = Script(Fake, "'eth-a', 'eth-b' | ForEach-Object { [pscustomobject]@{ Interface = $_ } } " +
                                         "| Add-XdpProgram -Program 20 -Mode Generic -PassThru");

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<AddXdpProgramCommand>(ErrorId.XdpProgramExists), e.FullyQualifiedErrorId);
        Assert.Empty(r.Output);
        Assert.Equal(new[]
        {
            "XdpAttach eth-a prog 20 UpdateIfNoexist, SkbMode",
            "XdpAttach eth-b prog 20 UpdateIfNoexist, SkbMode -> EBUSY",
            "XdpDetach eth-a SkbMode, Replace expected 20",
        }, Fake.Mutations);
    }
}
