using System;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// What Tab offers, asked the way the console asks (TabExpansion2) of the cmdlets hosted in-process, with the
/// fake kernel behind the completers: interfaces of the namespace already typed, names of features, programs,
/// links and test-network roles.
/// </summary>
public sealed class CompletionTests : FakeKernelTest
{
    public CompletionTests()
    {
        Fake.AddNamespace("lab-r");
        Fake.AddInterface("veth-rb", "lab-r");
        Fake.AddInterface("veth-ra", "lab-r");
        Fake.AddInterface("eth-a");
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(40, "tc_count", BpfProgType.SchedCls);
    }

    private string[] Complete(string line)
    {
        PipelineResult r = PowerShellHost.Script(Fake,
            "param($line) TabExpansion2 -inputScript $line -cursorColumn $line.Length",
            new System.Collections.Hashtable { ["line"] = line });
        Assert.True(!r.AllErrors.Any(), r.ToString());
        var completion = Assert.IsType<CommandCompletion>(Assert.Single(r.Output));
        return completion.CompletionMatches.Select(m => m.CompletionText).ToArray();
    }

    [Theory]
    [InlineData("Get-XdpProgram -NetNamespace lab-r -Interface ")]
    [InlineData("Get-TcProgram -NetNamespace lab-r -Interface ")]
    [InlineData("Add-XdpProgram -Program drop -NetNamespace lab-r -Interface ")]
    [InlineData("Remove-TcProgram -Interface  -NetNamespace lab-r")]
    public void InterfacesComeFromTheNamespaceAlreadyTypedWithLoopbackLast(string line)
    {
        // Completing the word before " -NetNamespace lab-r" works too: the cursor goes after "-Interface ".
        int cursor = line.IndexOf("-Interface ", StringComparison.Ordinal) + "-Interface ".Length;
        PipelineResult r = PowerShellHost.Script(Fake,
            "param($line, $at) TabExpansion2 -inputScript $line -cursorColumn $at",
            new System.Collections.Hashtable { ["line"] = line, ["at"] = cursor });
        string[] offered = Assert.IsType<CommandCompletion>(Assert.Single(r.Output)).CompletionMatches
            .Select(m => m.CompletionText).ToArray();

        Assert.Equal(new[] { "veth-ra", "veth-rb", "lo" }, offered);
        Assert.Contains("EnterNetNamespace lab-r", Fake.Log(nameof(IBpfSystem.EnterNetNamespace)));
    }

    [Fact]
    public void WithoutANamespaceTheSessionsOwnInterfacesComeWithLoopbackLast()
    {
        string[] offered = Complete("Get-XdpProgram -Interface ");

        Assert.Equal("lo", offered[^1]);
        Assert.Contains("eth-a", offered);
        Assert.DoesNotContain("veth-ra", offered);
        Assert.Empty(Fake.Log(nameof(IBpfSystem.EnterNetNamespace)));
    }

    [Fact]
    public void SeveralNamespacesOfferTheInterfacesOfEach()
    {
        string[] offered = Complete("Get-XdpProgram -NetNamespace lab-r, nosuch -Interface veth-r");

        Assert.Equal(new[] { "veth-ra", "veth-rb" }, offered);
    }

    [Fact]
    public void FeatureNamesAreOfferedNotFileNames()
    {
        string[] all = Complete("Get-BpfFeature -Name ");
        string[] xdp = Complete("Get-BpfFeature -Category ProgramType -Name xd");

        Assert.Contains("Tcx", all);
        Assert.Contains("XdpNative", all);
        Assert.Contains("xdp/bpf_redirect_map", all);
        Assert.DoesNotContain(all, n => n.StartsWith("./", StringComparison.Ordinal));
        Assert.Equal(new[] { "xdp" }, xdp);
    }

    [Fact]
    public void ProgramNamesComeFromTheKernel()
    {
        Assert.Equal(new[] { "tc_count", "xdp_new" }, Complete("Get-BpfProgram -Name "));
        Assert.Equal(new[] { "xdp_new" }, Complete("Get-BpfProgram x"));
    }

    [Fact]
    public void LinkTypesAndTestNetworkRolesAreOffered()
    {
        Assert.Contains("tcx", Complete("Get-BpfLink -Type "));
        Assert.Equal(new[] { "ClientA", "ClientB" }, Complete("New-BpfTestPacket -From Cl"));
    }
}
