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
/// A kernel refusal as the user sees it: the ErrorRecord's id, category, target and advice; terminating only
/// where nothing else can go on (no privilege), per item otherwise.
/// </summary>
public sealed class ErrorRecordTests : FakeKernelTest
{
    public ErrorRecordTests()
    {
        Fake.AddProgram(20, "xdp_new", BpfProgType.Xdp).AddProgram(40, "tc_count", BpfProgType.SchedCls);
        Fake.AddInterface("eth-a");
        Fake.AddInterface("eth-b");
    }

    [Fact]
    public void EpermIsATerminatingPermissionDeniedWithThePrivilegeAdvice()
    {
        Fake.Fail(nameof(IBpfSystem.XdpAttach), Errno.EPERM);

        PipelineResult r = PowerShellHost.Run(Fake, ps => ps.AddCommand("Add-XdpProgram")
            .AddParameter("Interface", new[] { "eth-a", "eth-b" }).AddParameter("Program", 20)
            .AddParameter("Mode", "Native"));

        Assert.NotNull(r.Terminating);
        ErrorRecord e = r.Terminating!.ErrorRecord;
        Assert.Equal(Fqid<AddXdpProgramCommand>(ErrorId.XdpAttachFailed), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
        Assert.Equal("eth-a", e.TargetObject);
        Assert.Equal(BpfException.PrivilegeAdvice, e.ErrorDetails.RecommendedAction);
        Assert.Contains("Operation not permitted (errno 1)", e.ErrorDetails.Message);
        var inner = Assert.IsType<BpfException>(e.Exception);
        Assert.Equal((int)Errno.EPERM, inner.Errno);
        Assert.Equal(new[] { "XdpAttach eth-a prog 20 UpdateIfNoexist, DrvMode -> EPERM" }, Fake.Mutations);
    }

    [Fact]
    public void AnOccupiedInterfaceIsAResourceExistsErrorForThatCallOnly()
    {
        Fake.SetXdp("eth-a", XdpAttachMode.Drv, 20);

        PipelineResult r = PowerShellHost.Script(Fake, "Add-XdpProgram eth-a 20; 'after'");

        Assert.Equal(new object[] { "after" }, r.Output);
        ErrorRecord e = Assert.Single(r.Errors);
        Assert.Null(r.Terminating);
        Assert.Equal(Fqid<AddXdpProgramCommand>(ErrorId.XdpProgramExists), e.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
        Assert.Equal("eth-a", e.TargetObject);
        Assert.Contains("-Force", e.ToString());
    }

    [Fact]
    public void OneMissingItemIsReportedAndTheOthersAreStillDone()
    {
        Fake.SetXdp("eth-b", XdpAttachMode.Skb, 20);

        PipelineResult r = PowerShellHost.Script(Fake, "Remove-XdpProgram eth-a, eth-zz, eth-b -PassThru");

        Assert.Equal("eth-b", Assert.Single(r.Of<XdpAttachment>()).Interface);
        Assert.Equal(new[]
        {
            (Fqid<RemoveXdpProgramCommand>(ErrorId.NoXdpProgram), ErrorCategory.ObjectNotFound, "eth-a"),
            (Fqid<RemoveXdpProgramCommand>(ErrorId.InterfaceNotFound), ErrorCategory.ObjectNotFound, "eth-zz"),
        }, r.Errors.Select(e => (e.FullyQualifiedErrorId, e.CategoryInfo.Category, (string)e.TargetObject)));
        Assert.Equal(new[] { "XdpDetach eth-b SkbMode, Replace expected 20" }, Fake.Mutations);
    }

    [Theory]
    [InlineData((int)Errno.EBUSY, ErrorCategory.ResourceBusy)]
    [InlineData((int)Errno.EINVAL, ErrorCategory.InvalidArgument)]
    [InlineData((int)Errno.E2BIG, ErrorCategory.LimitsExceeded)]
    [InlineData((int)Errno.EIO, ErrorCategory.NotSpecified)]
    public void TheCategoryFollowsTheErrnoWhereTheIdSaysSo(int number, ErrorCategory category)
    {
        var errno = (Errno)number;
        Fake.Fail(nameof(IBpfSystem.TcAttach), errno);

        PipelineResult r = PowerShellHost.Script(Fake, "Add-TcProgram eth-a 40");

        ErrorRecord e = Assert.Single(r.AllErrors);
        Assert.Equal(Fqid<AddTcProgramCommand>(ErrorId.TcAttachFailed), e.FullyQualifiedErrorId);
        Assert.Equal(category, e.CategoryInfo.Category);
        Assert.Equal("eth-a", e.TargetObject);
        Assert.Contains($"(errno {(int)errno})", e.ToString());
        // The qdisc made for the filter went again.
        Assert.False(Fake.Interface("eth-a").Clsact);
        Assert.Empty(Fake.QdiscMarkerFiles());
    }
}
