using EbpfPs.Engine;
using Xunit;

namespace EbpfPs.Tests;

public class BpfExceptionTests
{
    [Theory]
    [InlineData(LinuxErrno.EPERM, BpfErrorKind.PermissionDenied)]
    [InlineData(LinuxErrno.EACCES, BpfErrorKind.PermissionDenied)]
    [InlineData(LinuxErrno.ENOENT, BpfErrorKind.NotFound)]
    [InlineData(LinuxErrno.EEXIST, BpfErrorKind.ResourceExists)]
    [InlineData(LinuxErrno.EBUSY, BpfErrorKind.ResourceBusy)]
    [InlineData(LinuxErrno.EINVAL, BpfErrorKind.InvalidArgument)]
    [InlineData(LinuxErrno.EOPNOTSUPP, BpfErrorKind.NotImplemented)]
    [InlineData(LinuxErrno.E2BIG, BpfErrorKind.LimitsExceeded)]
    [InlineData(4003, BpfErrorKind.InvalidData)]
    public void ErrnoMapsToKind(int errno, BpfErrorKind kind) => Assert.Equal(kind, BpfException.KindOf(errno));

    [Fact]
    public void FromErrnoCarriesTextTargetAndAdvice()
    {
        BpfException e = BpfException.FromErrno(-LinuxErrno.EPERM, "load BPF object", "/tmp/x.o");
        Assert.Equal(LinuxErrno.EPERM, e.Errno);
        Assert.Equal("PermissionDenied", e.ErrorId);
        Assert.Contains("Operation not permitted", e.Message);
        Assert.Contains("/tmp/x.o", e.Message);
        Assert.Equal(BpfException.PrivilegeAdvice, e.RecommendedAction);
    }

    [Fact]
    public void ExplicitErrorIdWins()
    {
        BpfException e = BpfException.FromErrno(LinuxErrno.ENOENT, "open", "x", "ObjectFileNotFound");
        Assert.Equal("ObjectFileNotFound", e.ErrorId);
        Assert.Equal(BpfErrorKind.NotFound, e.Kind);
    }
}
