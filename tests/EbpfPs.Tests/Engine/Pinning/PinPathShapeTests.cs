using System;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Pinning;
using Xunit;

namespace EbpfPs.Tests.Engine.Pinning;

/// <summary>
/// -PinPath shapes refused before .NET or bpffs see them, each with the id that names the cause (a NUL used to
/// escape as ArgumentException; a long name and a file in the way both said PinPathNotOnBpfFs). The real pinned map
/// in the way is in Import-BpfObject.BadInput.Tests.ps1.
/// </summary>
public sealed class PinPathShapeTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "ebpfps-pinshape-" + Guid.NewGuid().ToString("N"));

    public PinPathShapeTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ANulIsPinNameNotAllowed()
    {
        var e = Assert.Throws<BpfException>(() => BpfFs.CheckOnBpfFs("/sys/fs/bpf/a\0b"));
        Assert.Equal(ErrorId.PinNameNotAllowed, e.ErrorId);
        Assert.False(e.Message.Contains('\0'), e.Message);
    }

    [Theory]
    [InlineData(255, false)]
    [InlineData(256, true)]
    public void ANameOver255BytesIsPinPathTooLong(int length, bool refused)
    {
        string path = "/sys/fs/bpf/" + new string('a', length);
        if (!refused)
        {
            PinPathShape.CheckText(path);
            return;
        }
        var e = Assert.Throws<BpfException>(() => BpfFs.CheckOnBpfFs(path));
        Assert.Equal(ErrorId.PinPathTooLong, e.ErrorId);
        Assert.Equal(BpfErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void NamesAreCountedInBytesNotCharacters()
    {
        // 128 two-byte characters: 256 bytes, one over NAME_MAX though only 128 characters.
        var e = Assert.Throws<BpfException>(() => PinPathShape.CheckText("/sys/fs/bpf/" + new string('é', 128)));
        Assert.Equal(ErrorId.PinPathTooLong, e.ErrorId);
    }

    [Fact]
    public void APathOverPathMaxIsPinPathTooLong()
    {
        string path = "/sys/fs/bpf" + string.Concat(System.Linq.Enumerable.Repeat("/abcdefgh", 460));
        var e = Assert.Throws<BpfException>(() => PinPathShape.CheckText(path));
        Assert.Equal(ErrorId.PinPathTooLong, e.ErrorId);
        Assert.Contains("4095", e.Message);
    }

    [Fact]
    public void AFileInTheWayIsPinPathIsNotAFolder()
    {
        string file = Path.Combine(_dir, "map");
        File.WriteAllText(file, "");
        foreach (string path in new[] { file, Path.Combine(file, "below") })
        {
            var e = Assert.Throws<BpfException>(() => PinPathShape.CheckNotAPin(path));
            Assert.Equal(ErrorId.PinPathIsNotAFolder, e.ErrorId);
            Assert.Contains($"'{file}' is a file", e.Message);
        }
        PinPathShape.CheckNotAPin(Path.Combine(_dir, "new", "folder"));
    }
}
