using EbpfPs.Commands;
using Xunit;

namespace EbpfPs.Tests.Commands;

/// <summary>
/// The type names a map entry is shown by come from its type adapter, decided by what the entry holds: each CPU's
/// value, a sum over CPUs, or a plain value. (The real-kernel side: Get-BpfMapEntry.Tests and ValueMaps.Tests.)
/// </summary>
public sealed class MapEntryNamesTests
{
    private static readonly MapEntryColumns Adapter = new();

    [Fact]
    public void EachCpusValuesPickThePerCpuView() =>
        Assert.Equal(new[] { MapEntryColumns.PerCpuTypeName, "EbpfPs.BpfMapEntry", "System.Object" },
            Adapter.GetTypeNameHierarchy(new BpfMapEntry
            {
                PerCpu = new object?[] { 1UL, 2UL }, Value = 3UL, SummedOverCpus = true,
            }));

    [Fact]
    public void ASumOverCpusPicksTheCpuSumView() =>
        Assert.Equal(new[] { MapEntryColumns.CpuSumTypeName, "EbpfPs.BpfMapEntry", "System.Object" },
            Adapter.GetTypeNameHierarchy(new BpfMapEntry { Value = 3UL, SummedOverCpus = true }));

    [Fact]
    public void AnyOtherEntryIsNamedByItsClass() =>
        Assert.Equal(new[] { "EbpfPs.BpfMapEntry", "System.Object" },
            Adapter.GetTypeNameHierarchy(new BpfMapEntry { Value = 3UL }));
}
