using System;
using System.Collections.Generic;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// Keeps the N best of a stream of map entries by one number, in a bounded heap over copies of the winners'
/// raw key and value bytes: entries that do not make the cut are compared and dropped without a copy or an
/// allocation. Order: by the number (largest first, or smallest with ascending), ties by the key's bytes
/// in memory order, smallest first, so the same map gives the same answer every time.
/// </summary>
internal sealed class TopSelection
{
    private readonly int _limit, _keySize, _valueSize;
    private readonly bool _ascending;
    private Int128[] _rank;
    private byte[] _keys, _values;
    // heap[i] is a slot in the arrays above; heap[0] holds the entry that would be dropped first.
    private int[] _heap;
    private int _count;

    public TopSelection(int limit, int keySize, int valueSize, bool ascending, int expected = 1024)
    {
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit));
        _limit = limit;
        _keySize = keySize;
        _valueSize = valueSize;
        _ascending = ascending;
        int capacity = Math.Max(1, Math.Min(limit, expected));
        _rank = new Int128[capacity];
        _keys = new byte[capacity * keySize];
        _values = new byte[capacity * valueSize];
        _heap = new int[capacity];
    }

    public int Count => _count;

    /// <summary>Considers one entry; returns true when it is (for now) among the best.</summary>
    public bool Offer(Int128 rank, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_count < _limit)
        {
            if (_count == _heap.Length)
                Grow();
            int slot = _count;
            Store(slot, rank, key, value);
            _heap[_count++] = slot;
            SiftUp(_count - 1);
            return true;
        }
        int worst = _heap[0];
        if (!Before(rank, key, _rank[worst], Key(worst)))
            return false;
        Store(worst, rank, key, value);
        SiftDown(0);
        return true;
    }

    /// <summary>The kept entries, best first: (rank, key bytes, value bytes), copies of their own.</summary>
    public IReadOnlyList<(Int128 Rank, byte[] Key, byte[] Value)> Winners()
    {
        var slots = new int[_count];
        Array.Copy(_heap, slots, _count);
        Array.Sort(slots, (a, b) => a == b ? 0 : Before(_rank[a], Key(a), _rank[b], Key(b)) ? -1 : 1);
        var result = new (Int128, byte[], byte[])[_count];
        for (int i = 0; i < slots.Length; i++)
            result[i] = (_rank[slots[i]], Key(slots[i]).ToArray(), _values.AsSpan(slots[i] * _valueSize,
                _valueSize).ToArray());
        return result;
    }

    /// <summary>True when entry a ranks before entry b.</summary>
    private bool Before(Int128 a, ReadOnlySpan<byte> aKey, Int128 b, ReadOnlySpan<byte> bKey)
    {
        if (a != b)
            return _ascending ? a < b : a > b;
        return aKey.SequenceCompareTo(bKey) < 0;
    }

    private ReadOnlySpan<byte> Key(int slot) => _keys.AsSpan(slot * _keySize, _keySize);

    private void Store(int slot, Int128 rank, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        _rank[slot] = rank;
        key.CopyTo(_keys.AsSpan(slot * _keySize, _keySize));
        value.CopyTo(_values.AsSpan(slot * _valueSize, _valueSize));
    }

    // The heap is ordered worst first: a parent ranks after its children.
    private bool Worse(int i, int j) => Before(_rank[_heap[j]], Key(_heap[j]), _rank[_heap[i]], Key(_heap[i]));

    private void SiftUp(int i)
    {
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!Worse(i, parent))
                return;
            (_heap[i], _heap[parent]) = (_heap[parent], _heap[i]);
            i = parent;
        }
    }

    private void SiftDown(int i)
    {
        while (true)
        {
            int left = 2 * i + 1, right = left + 1, worst = i;
            if (left < _count && Worse(left, worst)) worst = left;
            if (right < _count && Worse(right, worst)) worst = right;
            if (worst == i)
                return;
            (_heap[i], _heap[worst]) = (_heap[worst], _heap[i]);
            i = worst;
        }
    }

    private void Grow()
    {
        int capacity = (int)Math.Min((long)_heap.Length * 2, _limit);
        Array.Resize(ref _rank, capacity);
        Array.Resize(ref _keys, capacity * _keySize);
        Array.Resize(ref _values, capacity * _valueSize);
        Array.Resize(ref _heap, capacity);
    }
}
