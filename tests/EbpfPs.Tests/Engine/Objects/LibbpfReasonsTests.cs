using EbpfPs.Engine;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;
using Xunit;

namespace EbpfPs.Tests.Engine.Objects;

/// <summary>
/// Which of libbpf's warnings a load error quotes, and which program or map it names as the one that failed. The
/// lines are libbpf 1.1's own, as bpftool printed them for tests/bpf/*.c on the test VM.
/// </summary>
public class LibbpfReasonsTests
{
    [Fact]
    public void AMapTheKernelRefusedIsNamedAndItsLinesQuotedWithoutTheClosingFileLine()
    {
        LibbpfReasons r = LibbpfReasons.From(new[]
        {
            "libbpf: Error in bpf_create_map_xattr(refused_array):Invalid argument(-22). Retrying without BTF.",
            "libbpf: map 'refused_array': failed to create: Invalid argument(-22)",
            "libbpf: failed to load object '/tmp/bad_map_flags.o'",
        });

        Assert.Equal("map 'refused_array'", r.FailedPart);
        Assert.Equal(new[]
        {
            "Error in bpf_create_map_xattr(refused_array):Invalid argument(-22). Retrying without BTF.",
            "map 'refused_array': failed to create: Invalid argument(-22)",
        }, r.Lines);
    }

    [Fact]
    public void TheVerifierLogBlockIsLeftOutAndTheRejectedProgramNamed()
    {
        LibbpfReasons r = LibbpfReasons.From(new[]
        {
            "libbpf: prog 'mixed_broken': BPF program load failed: Permission denied",
            "libbpf: prog 'mixed_broken': -- BEGIN PROG LOAD LOG --\ninvalid access to packet\n-- END PROG LOAD LOG --",
            "libbpf: prog 'mixed_broken': failed to load: -13",
            "libbpf: failed to load object 'mixed_load.o'",
        });

        Assert.Equal("program", r.FailedKind);
        Assert.Equal("mixed_broken", r.FailedName);
        Assert.Equal(new[]
        {
            "prog 'mixed_broken': BPF program load failed: Permission denied",
            "prog 'mixed_broken': failed to load: -13",
        }, r.Lines);
        Assert.DoesNotContain(r.Lines, l => l.Contains("invalid access", System.StringComparison.Ordinal));
    }

    [Fact]
    public void AnOpenFailureNamingNeitherKeepsOnlyTheLastThreeLinesAndRepeatsNone()
    {
        LibbpfReasons r = LibbpfReasons.From(new[]
        {
            "libbpf: one", "libbpf: two", "libbpf: two", "libbpf: three",
            "libbpf: failed to find BTF for extern 'memcmp' [12] section: -2",
        });

        Assert.Null(r.FailedPart);
        Assert.Equal(new[] { "two", "three", "failed to find BTF for extern 'memcmp' [12] section: -2" }, r.Lines);
        Assert.Equal("libbpf says: two; three; failed to find BTF for extern 'memcmp' [12] section: -2", r.Clause);
    }

    [Fact]
    public void NoWarningsMakeNoClauseAndTheMessageStillPointsToDebug()
    {
        LibbpfReasons r = LibbpfReasons.From(System.Array.Empty<string>());

        Assert.Empty(r.Lines);
        Assert.Equal("", r.Clause);
        BpfException e = LibbpfObjectErrors.OpenFailure(Errno.EINVAL, "/x.o", r);
        Assert.Equal(ErrorId.InvalidBpfObject, e.ErrorId);
        Assert.EndsWith("its contents are inconsistent; -Debug shows libbpf's whole log.", e.Message);
        Assert.DoesNotContain("-Verbose", e.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public void ALoadFailureWithoutAKernelLogNamesTheMapAndKeepsTheErrnoKind()
    {
        LibbpfReasons r = LibbpfReasons.From(new[] { "libbpf: map 'big': failed to create: Argument list too long(-7)" });

        BpfException e = LibbpfObjectErrors.LoadFailure(Errno.E2BIG, "/x.o", r);

        Assert.Equal(ErrorId.BpfObjectLoadFailed, e.ErrorId);
        Assert.Equal(BpfErrorKind.LimitsExceeded, e.Kind);
        Assert.Equal((int)Errno.E2BIG, e.Errno);
        Assert.StartsWith("Cannot load BPF object '/x.o': map 'big' failed (", e.Message);
        Assert.Contains("libbpf says: map 'big': failed to create: Argument list too long(-7)", e.Message);
    }

    [Fact]
    public void WarningsAreQuotedSinceTheMarkOnlyAndSurviveADrain()
    {
        LibbpfLog.Append(LibbpfLog.WarnLevel, "libbpf: before");
        long mark = LibbpfLog.WarningMark;
        LibbpfLog.Append(2, "libbpf: a debug line");
        LibbpfLog.Append(LibbpfLog.WarnLevel, "libbpf: after");
        LibbpfLog.Drain();

        Assert.Equal(new[] { "libbpf: after" }, LibbpfLog.WarningsSince(mark));
    }
}
