using System;
using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>
/// The map element syscalls: lookup, update, delete, lookup-and-delete, iterate, batch lookup. An empty key span
/// passes NULL, which is what queues, stacks and bloom filters take.
/// </summary>
internal static unsafe partial class Libbpf
{
    [StructLayout(LayoutKind.Sequential)]
    private struct MapBatchOpts
    {
        public nuint Size;
        public ulong ElemFlags;
        public ulong Flags;
    }

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_lookup_elem(int fd, void* key, void* value);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_update_elem(int fd, void* key, void* value, ulong flags);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_delete_elem(int fd, void* key);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_lookup_and_delete_elem(int fd, void* key, void* value);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_get_next_key(int fd, void* key, void* nextKey);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_map_lookup_batch(int fd, void* inBatch, void* outBatch, void* keys, void* values,
        uint* count,
        MapBatchOpts* opts);

    /// <summary>
    /// Fills value with the element's bytes (every CPU's for per-CPU maps); ENOENT when the key is absent.
    /// </summary>
    internal static Result MapLookup(SafeFdHandle map, ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return Result.FromReturn(bpf_map_lookup_elem(map.Fd, k, v));
    }

    internal static Result MapUpdate(SafeFdHandle map, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value,
        MapUpdateFlags flags)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return Result.FromReturn(bpf_map_update_elem(map.Fd, k, v, (ulong)flags));
    }

    /// <summary>
    /// Copies out and removes one element in one call; with an empty key, a queue's or stack's next value (a pop),
    /// ENOENT when it is empty.
    /// </summary>
    internal static Result MapLookupAndDelete(SafeFdHandle map, ReadOnlySpan<byte> key, Span<byte> value)
    {
        fixed (byte* k = key)
        fixed (byte* v = value)
            return Result.FromReturn(bpf_map_lookup_and_delete_elem(map.Fd, k, v));
    }

    internal static Result MapDelete(SafeFdHandle map, ReadOnlySpan<byte> key)
    {
        fixed (byte* k = key)
            return Result.FromReturn(bpf_map_delete_elem(map.Fd, k));
    }

    /// <summary>The key after previous (the first key when previous is empty); ENOENT after the last.</summary>
    internal static Result MapNextKey(SafeFdHandle map, ReadOnlySpan<byte> previous, Span<byte> next)
    {
        fixed (byte* p = previous)
        fixed (byte* n = next)
            return Result.FromReturn(bpf_map_get_next_key(map.Fd, previous.IsEmpty ? null : p, n));
    }

    /// <summary>
    /// One BPF_MAP_LOOKUP_BATCH: up to count entries after the position in inBatch (from the start when
    /// first), the next position in outBatch. ENOENT with count > 0 means these were the last entries.
    /// </summary>
    internal static Result MapLookupBatch(SafeFdHandle map, bool first, Span<byte> inBatch, Span<byte> outBatch,
        Span<byte> keys,
        Span<byte> values, ref uint count)
    {
        var opts = new MapBatchOpts { Size = (nuint)sizeof(MapBatchOpts) };
        fixed (byte* ib = inBatch, ob = outBatch, k = keys, v = values)
        fixed (uint* c = &count)
            return Result.FromReturn(bpf_map_lookup_batch(map.Fd, first ? null : ib, ob, k, v, c, &opts));
    }
}
