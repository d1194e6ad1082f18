using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Interop.Kernel;
using EbpfPs.Tests.Fakes;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps;

/// <summary>
/// Which calls a map takes is decided from its type before any element syscall: queues and stacks open (they have
/// no keys), keyed calls on them and push/pop on keyed maps are refused with the calls that fit, and a per-CPU list
/// of the wrong length names both counts. The real-kernel side is ValueMaps.Tests.ps1 against bpftool.
/// </summary>
public sealed class ValueMapDecisionTests : FakeKernelTest
{
    public ValueMapDecisionTests()
    {
        Fake.Cpus = 3;
        Fake.AddMap(1, "jobs", BpfMapType.Queue, 0, 4)
            .AddMap(2, "undo", BpfMapType.Stack, 0, 8)
            .AddMap(3, "seen", BpfMapType.BloomFilter, 0, 4)
            .AddMap(4, "flows", BpfMapType.Hash, 4, 8)
            .AddMap(5, "counts", BpfMapType.PercpuHash, 4, 8)
            .AddMap(6, "events", BpfMapType.Ringbuf, 0, 0);
    }

    [Theory]
    [InlineData(1u)]
    [InlineData(2u)]
    public void QueuesAndStacksOpenButRefuseKeyedCalls(uint id)
    {
        using BpfMap map = BpfMap.OpenById(id);

        Assert.True(map.HoldsValuesOnly);
        Assert.True(map.IsQueueOrStack);
        foreach (System.Action keyed in new System.Action[]
        {
            () => map.Update(0, 1, MapUpdateFlag.Any), () => map.Delete(0), () => map.Lookup(0),
            () => _ = System.Linq.Enumerable.ToList(map.ReadAll()),
        })
        {
            var e = Assert.Throws<BpfException>(keyed);
            Assert.Equal(ErrorId.MapHasNoKeys, e.ErrorId);
            Assert.Contains("Pop-BpfMapEntry", e.Message);
        }
    }

    [Fact]
    public void ABloomFilterIsPushedAndTestedNeverPoppedOrCleared()
    {
        using BpfMap map = BpfMap.OpenById(3);

        Assert.True(map.HoldsValuesOnly);
        Assert.False(map.IsQueueOrStack);
        Assert.Equal(ErrorId.MapNotQueueOrStack, Assert.Throws<BpfException>(() => map.Pop()).ErrorId);
        Assert.Equal(ErrorId.MapNotQueueOrStack, Assert.Throws<BpfException>(() => map.Peek()).ErrorId);
        Assert.Equal(ErrorId.MapHasNoKeys, Assert.Throws<BpfException>(() => map.Clear()).ErrorId);
        Assert.Contains("Test-BpfMapEntry", Assert.Throws<BpfException>(() => map.Lookup(0)).Message);
    }

    [Theory]
    [InlineData(4u)]
    [InlineData(5u)]
    public void KeyedMapsRefusePushPopAndTest(uint id)
    {
        using BpfMap map = BpfMap.OpenById(id);

        Assert.False(map.HoldsValuesOnly);
        foreach (System.Action call in new System.Action[]
            { () => map.Push(1), () => map.Pop(), () => map.Peek(), () => map.MayContain(1) })
        {
            var e = Assert.Throws<BpfException>(call);
            Assert.Equal(ErrorId.MapNotQueueOrStack, e.ErrorId);
            Assert.Contains("by key", e.Message);
        }
    }

    [Fact]
    public void QueuesRefuseMayContainAndRingBuffersStillDoNotOpen()
    {
        using (BpfMap queue = BpfMap.OpenById(1))
            Assert.Equal(ErrorId.MapNotQueueOrStack,
                Assert.Throws<BpfException>(() => queue.MayContain(1)).ErrorId);

        Assert.Equal(ErrorId.MapHasNoKeys, Assert.Throws<BpfException>(() => BpfMap.OpenById(6)).ErrorId);
    }

    [Fact]
    public void APerCpuListOfTheWrongLengthNamesBothCounts()
    {
        using BpfMap map = BpfMap.OpenById(5);

        var e = Assert.Throws<BpfException>(() => map.Update(1, new object[] { 1, 2 }, MapUpdateFlag.Any));

        Assert.Equal(ErrorId.WrongCpuCount, e.ErrorId);
        Assert.Contains("over 3 possible CPUs; 2 values were given", e.Message);
        Assert.Contains("written to CPU 0", e.Message);
    }
}
