using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Attach;

/// <summary>
/// ERANGE from a tcx link create is the kernel's per-hook limit (BPF_MPROG_MAX): it is TcxHookFull naming the
/// limit, and the links already made on other interfaces are rolled back. The real 64th attach is in
/// Add-TcProgram.TcxLimit.Tests.ps1.
/// </summary>
public sealed class TcxHookFullTests : FakeKernelTest
{
    private const uint Program = 40;

    public TcxHookFullTests()
    {
        Fake.AddProgram(Program, "tc_count", BpfProgType.SchedCls);
        Fake.AddInterface("eth-a");
        Fake.AddInterface("eth-b");
    }

    [Fact]
    public void ErangeIsTcxHookFullAndTheOtherLinksAreRolledBack()
    {
        Fake.Fail(nameof(IBpfSystem.LinkCreate), Errno.ERANGE, nth: 2);
        using AttachableProgram program = AttachableProgram.FromId(Program);
        var on = new List<NetInterface>
        {
            new(Fake.Interface("eth-a").Index, "eth-a"), new(Fake.Interface("eth-b").Index, "eth-b"),
        };

        var e = Assert.Throws<BpfException>(() =>
            Attachments.Attach(program, new TcHookPoint(TcDirection.Egress, TcMode.Tcx), on));

        Assert.Equal(ErrorId.TcxHookFull, e.ErrorId);
        Assert.Equal(BpfErrorKind.LimitsExceeded, e.Kind);
        Assert.Equal((int)Errno.ERANGE, e.Errno);
        Assert.Contains("eth-b egress", e.Message);
        Assert.Contains($"{Tc.TcxMaxPrograms} tcx programs", e.Message);
        Assert.Equal(0, Fake.LinkCount);
        // The first interface's link pin went with its link.
        Assert.True(!System.IO.Directory.Exists(Tc.TcxPinRoot) || System.IO.Directory.GetFiles(Tc.TcxPinRoot, "*",
            System.IO.SearchOption.AllDirectories).Length == 0, Tc.TcxPinRoot);
    }

    [Fact]
    public void OtherLinkErrorsKeepTheirOperationId()
    {
        Fake.Fail(nameof(IBpfSystem.LinkCreate), Errno.EEXIST);
        using AttachableProgram program = AttachableProgram.FromId(Program);

        var e = Assert.Throws<BpfException>(() => Attachments.Attach(program,
            new TcHookPoint(TcDirection.Ingress, TcMode.Tcx),
            new[] { new NetInterface(Fake.Interface("eth-a").Index, "eth-a") }.ToList()));

        Assert.Equal(ErrorId.TcxAttachFailed, e.ErrorId);
    }
}
