using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using Xunit;

namespace EbpfPs.Tests.Engine.Errors;

public class BpfExceptionTests
{
    [Theory]
    [InlineData((int)Errno.EPERM, BpfErrorKind.PermissionDenied)]
    [InlineData((int)Errno.EACCES, BpfErrorKind.PermissionDenied)]
    [InlineData((int)Errno.ENOENT, BpfErrorKind.NotFound)]
    [InlineData((int)Errno.EEXIST, BpfErrorKind.ResourceExists)]
    [InlineData((int)Errno.EBUSY, BpfErrorKind.ResourceBusy)]
    [InlineData((int)Errno.EINVAL, BpfErrorKind.InvalidArgument)]
    [InlineData((int)Errno.EOPNOTSUPP, BpfErrorKind.NotImplemented)]
    [InlineData((int)Errno.E2BIG, BpfErrorKind.LimitsExceeded)]
    [InlineData(4003, BpfErrorKind.InvalidData)]
    public void ErrnoMapsToKind(int errno, BpfErrorKind kind) => Assert.Equal(kind, BpfException.KindOf((Errno)errno));

    [Fact]
    public void FromErrnoCarriesTextTargetAndAdvice()
    {
        BpfException e = BpfException.FromErrno(-(int)Errno.EPERM, "load BPF object", "/tmp/x.o");
        Assert.Equal((int)Errno.EPERM, e.Errno);
        Assert.Equal("PermissionDenied", e.ErrorId);
        Assert.Contains("Operation not permitted", e.Message);
        Assert.Contains("/tmp/x.o", e.Message);
        Assert.Equal(BpfException.PrivilegeAdvice, e.RecommendedAction);
    }

    [Fact]
    public void ExplicitErrorIdWins()
    {
        BpfException e = BpfException.FromErrno((int)Errno.ENOENT, "open", "x", "ObjectFileNotFound");
        Assert.Equal("ObjectFileNotFound", e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
    }
}
