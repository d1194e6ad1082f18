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
/// What a cmdlet says before it starts when the process lacks capabilities, and how listings across namespaces
/// take a namespace that is deleted while they run.
/// </summary>
public sealed class PrivilegeAndNamespaceTests : FakeKernelTest
{
    public PrivilegeAndNamespaceTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp);
        Fake.AddInterface("eth-a");
        Fake.AddNamespace("ns-x");
        Fake.AddInterface("veth0", "ns-x");
        Fake.AddNamespace("ns-gone");
    }

    private static ulong Caps(params Capability[] caps) => caps.Aggregate(0UL, (all, c) => all | 1UL << (int)c);

    [Theory]
    [InlineData("New-BpfTestNetwork", new int[0], "CAP_NET_ADMIN and CAP_SYS_ADMIN")]
    [InlineData("New-BpfTestNetwork", new[] { (int)Capability.NetAdmin }, "CAP_SYS_ADMIN,")]
    [InlineData("Add-XdpProgram eth-a -Program 20", new[] { (int)Capability.Bpf }, "CAP_NET_ADMIN,")]
    [InlineData("Get-XdpProgram", new int[0], "CAP_BPF (or CAP_SYS_ADMIN),")]
    public void WithoutCapabilitiesACmdletStopsFirstNamingWhatIsMissing(string script, int[] has, string missing)
    {
        Fake.Capabilities = Caps(has.Select(c => (Capability)c).ToArray());

        PipelineResult r = Script(Fake, script);

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.StartsWith(ErrorId.PermissionDenied + ",", e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
        Assert.Contains("needs " + missing, e.ErrorDetails.Message);
        Assert.Equal(BpfException.PrivilegeAdvice, e.ErrorDetails.RecommendedAction);
        Assert.Empty(Fake.Calls);
    }

    [Fact]
    public void AllCapabilitiesItNeedsAndNoMoreAreEnough()
    {
        Fake.Capabilities = Caps(Capability.Bpf, Capability.NetAdmin);

        PipelineResult r = Script(Fake, "Add-XdpProgram eth-a -Program 20 -Mode Generic");

        Assert.Empty(r.AllErrors);
        Assert.Equal((0u, 20u, 0u), Fake.XdpOf("eth-a"));
    }

    [Theory]
    [InlineData("Get-XdpProgram -AllNamespaces")]
    [InlineData("Get-TcProgram -AllNamespaces")]
    public void ANamespaceDeletedWhileTheListIsMadeIsSkippedWithAWarning(string script)
    {
        Fake.SetXdp("veth0", XdpAttachMode.Skb, 20, "ns-x");
        // Listed in /run/netns, then gone when the listing enters it.
        Fake.FailWhen(nameof(IBpfSystem.EnterNetNamespace), Errno.ENOENT, call => call.EndsWith("ns-gone"));

        PipelineResult r = Script(Fake, script);

        Assert.Empty(r.AllErrors);
        Assert.Contains(r.Warnings, w => w.Contains("'ns-gone' was deleted"));
        if (script.StartsWith("Get-XdpProgram", StringComparison.Ordinal))
            Assert.Equal("ns-x", Assert.Single(r.Of<XdpAttachment>()).NetNamespace);
    }

    [Fact]
    public void AMissingNamespaceNamedOnItsOwnIsStillAnError()
    {
        PipelineResult r = Script(Fake, "Get-XdpProgram -NetNamespace ns-never");

        Assert.Equal(Fqid<GetXdpProgramCommand>(ErrorId.NetNamespaceNotFound),
            Assert.Single(r.AllErrors).FullyQualifiedErrorId);
        Assert.Empty(r.Warnings);
    }
}
