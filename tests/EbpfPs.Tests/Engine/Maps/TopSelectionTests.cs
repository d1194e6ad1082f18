using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Maps;
using Xunit;

namespace EbpfPs.Tests.Engine.Maps;

/// <summary>
/// TopSelection against a full sort of the same entries: the bounded heap keeps exactly the N that rank first,
/// ties by the key's bytes, whatever order the entries come in.
/// </summary>
public class TopSelectionTests
{
    private static (Int128 Rank, byte[] Key, byte[] Value)[] Entries(int count, int seed, int distinct)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            byte[] key = BitConverter.GetBytes(i).Reverse().ToArray();
            random.Shuffle(key);
            Int128 rank = random.Next(-distinct, distinct);
            return (rank, key, BitConverter.GetBytes(i * 3L));
        }).GroupBy(e => Convert.ToHexString(e.key)).Select(g => g.First()).ToArray();
    }

    private static int CompareKeys(byte[] a, byte[] b) => a.AsSpan().SequenceCompareTo(b);

    [Theory]
    [InlineData(1, 10, false)]
    [InlineData(10, 5, false)]
    [InlineData(10, 5, true)]
    [InlineData(100, 1000, true)]
    [InlineData(5000, 3, false)]
    public void KeepsTheFirstNAsAFullSortWould(int limit, int distinct, bool ascending)
    {
        var entries = Entries(3000, limit * 31 + distinct, distinct);
        var top = new TopSelection(limit, 4, 8, ascending, expected: 16);
        foreach (var (rank, key, value) in entries)
            top.Offer(rank, key, value);

        var expected = entries.OrderBy(e => ascending ? e.Rank : -e.Rank)
            .ThenBy(e => e.Key, Comparer<byte[]>.Create(CompareKeys)).Take(limit).ToArray();
        var winners = top.Winners();
        Assert.Equal(expected.Length, winners.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Rank, winners[i].Rank);
            Assert.Equal(expected[i].Key, winners[i].Key);
            Assert.Equal(expected[i].Value, winners[i].Value);
        }
    }

    [Fact]
    public void AnEntryThatDoesNotMakeTheCutIsRefused()
    {
        var top = new TopSelection(2, 1, 1, ascending: false);
        Assert.True(top.Offer(5, new byte[] { 9 }, new byte[] { 0 }));
        Assert.True(top.Offer(7, new byte[] { 8 }, new byte[] { 0 }));
        Assert.False(top.Offer(4, new byte[] { 1 }, new byte[] { 0 }));
        // A tie with the last kept entry gets in only with a smaller key.
        Assert.False(top.Offer(5, new byte[] { 10 }, new byte[] { 0 }));
        Assert.True(top.Offer(5, new byte[] { 3 }, new byte[] { 1 }));
        Assert.Equal(new byte[] { 8, 3 }, top.Winners().Select(w => w.Key[0]).ToArray());
    }

    [Fact]
    public void RefusesALimitBelowOne() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new TopSelection(0, 1, 1, false));
}
