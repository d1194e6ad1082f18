using System;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps;

/// <summary>
/// Per-CPU values are one round_up(value_size, 8) slot per possible CPU (the kernel's bpf_map_value_size); BpfMap
/// asks for the CPU count only for per-CPU types. The sizes show in the errors raised before any map syscall.
/// </summary>
public sealed class PerCpuSizingTests : FakeKernelTest
{
    public PerCpuSizingTests()
    {
        Fake.Cpus = 3;
        Fake.AddMap(1, "counts", BpfMapType.PercpuArray, 4, 12)
            .AddMap(2, "flows", BpfMapType.Hash, 4, 12)
            .AddMap(3, "lru_pc", BpfMapType.LruPercpuHash, 4, 8);
    }

    [Theory]
    [InlineData(1u, 8)]
    [InlineData(4u, 8)]
    [InlineData(8u, 8)]
    [InlineData(12u, 16)]
    [InlineData(17u, 24)]
    public void ASlotIsTheValueSizeRoundedUpToEightBytes(uint valueSize, int stride) =>
        Assert.Equal(stride, MapCells.PerCpuStride(valueSize));

    [Theory]
    [InlineData(12u, false, 64, 12)]
    [InlineData(12u, true, 1, 16)]
    [InlineData(12u, true, 3, 48)]
    [InlineData(4u, true, 128, 1024)]
    public void TheValueBufferHoldsOneSlotPerPossibleCpu(uint valueSize, bool perCpu, int cpus, int bytes) =>
        Assert.Equal(bytes, MapCells.ValueBufferSize(valueSize, perCpu, cpus));

    [Fact]
    public void APerCpuMapIsSizedFromThePossibleCpus()
    {
        using BpfMap map = BpfMap.OpenById(1);

        Assert.True(map.PerCpu);
        Assert.Single(Fake.Log(nameof(IBpfSystem.PossibleCpus)));
        var e = Assert.Throws<BpfException>(() => map.Update(new byte[4], new byte[5], MapUpdateFlag.Any));
        Assert.Equal(ErrorId.WrongValueSize, e.ErrorId);
        Assert.Contains("12-byte values (48 bytes for all 3 CPUs)", e.Message);

        var count = Assert.Throws<BpfException>(() =>
            map.Update(new byte[4], new object[] { 1, 2 }, MapUpdateFlag.Any));
        Assert.Equal(ErrorId.WrongCpuCount, count.ErrorId);
        Assert.Contains("over 3 possible CPUs", count.Message);
    }

    [Fact]
    public void OtherPerCpuTypesAreSizedTooAndPlainMapsNeverAskForTheCpuCount()
    {
        Fake.Cpus = 2;
        using (BpfMap lru = BpfMap.OpenById(3))
        {
            Assert.True(lru.PerCpu);
            var e = Assert.Throws<BpfException>(() => lru.Update(new byte[4], new byte[3], MapUpdateFlag.Any));
            Assert.Contains("(16 bytes for all 2 CPUs)", e.Message);
        }
        int asked = Fake.Log(nameof(IBpfSystem.PossibleCpus)).Count;

        using BpfMap hash = BpfMap.OpenById(2);

        Assert.False(hash.PerCpu);
        Assert.Equal(asked, Fake.Log(nameof(IBpfSystem.PossibleCpus)).Count);
        var plain = Assert.Throws<BpfException>(() => hash.Update(new byte[4], new byte[5], MapUpdateFlag.Any));
        Assert.EndsWith("12-byte values, not 5.", plain.Message);
    }

    [Fact]
    public void WhenTheCpuCountCannotBeReadThePerCpuMapDoesNotOpen()
    {
        Fake.Fail(nameof(IBpfSystem.PossibleCpus), Errno.EACCES);

        var e = Assert.Throws<BpfException>(() => BpfMap.OpenById(1));

        Assert.Equal(BpfErrorKind.PermissionDenied, e.Kind);
        Assert.Contains("count possible CPUs", e.Message);
    }
}
