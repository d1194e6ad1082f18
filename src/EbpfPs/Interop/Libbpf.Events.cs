using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// libbpf's consumers of BPF event streams: ring_buffer (BPF_MAP_TYPE_RINGBUF) and perf_buffer
/// (BPF_MAP_TYPE_PERF_EVENT_ARRAY, one perf ring per CPU). Records arrive through callbacks on the thread that
/// polls; the callbacks only copy them into an EventSink, which the caller drains after the poll.
/// </summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial nint ring_buffer__new(int mapFd, delegate* unmanaged<nint, nint, nuint, int> sample,
        nint ctx, nint opts);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int ring_buffer__poll(nint rb, int timeoutMs);

    [LibraryImport(Libraries.Libbpf)]
    private static partial void ring_buffer__free(nint rb);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial nint perf_buffer__new(int mapFd, nuint pageCount,
        delegate* unmanaged<nint, int, nint, uint, void> sample, delegate* unmanaged<nint, int, ulong, void> lost,
        nint ctx, nint opts);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int perf_buffer__poll(nint pb, int timeoutMs);

    [LibraryImport(Libraries.Libbpf)]
    private static partial void perf_buffer__free(nint pb);

    /// <summary>A ring buffer consumer over the map; the map's fd must stay open while it is used.</summary>
    internal static Result<EventBuffer> OpenRingBuffer(SafeFdHandle map)
    {
        var buffer = new EventBuffer(perf: false);
        nint rb = ring_buffer__new(map.Fd, &OnRingSample, buffer.Context, 0);
        if (rb == 0)
        {
            Errno errno = Result.LastErrno();
            buffer.Dispose();
            return errno;
        }
        buffer.Native = rb;
        return buffer;
    }

    /// <summary>
    /// A perf buffer consumer with pages (a power of two) per CPU; it puts its perf events in the map.
    /// </summary>
    internal static Result<EventBuffer> OpenPerfBuffer(SafeFdHandle map, int pages)
    {
        var buffer = new EventBuffer(perf: true);
        nint pb = perf_buffer__new(map.Fd, (nuint)pages, &OnPerfSample, &OnPerfLost, buffer.Context, 0);
        if (pb == 0)
        {
            Errno errno = Result.LastErrno();
            buffer.Dispose();
            return errno;
        }
        buffer.Native = pb;
        return buffer;
    }

    internal static Result<int> Poll(EventBuffer buffer, int timeoutMs) =>
        Result.Of(buffer.Perf ? perf_buffer__poll(buffer.Native, timeoutMs) : ring_buffer__poll(buffer.Native,
            timeoutMs));

    internal static void Free(EventBuffer buffer)
    {
        if (buffer.Perf) perf_buffer__free(buffer.Native);
        else ring_buffer__free(buffer.Native);
    }

    // Exceptions must not cross back into libbpf's C frames: each callback catches everything.
    [UnmanagedCallersOnly]
    private static int OnRingSample(nint ctx, nint data, nuint size)
    {
        try
        {
            // A full sink stops the consumer; what is left stays in the ring for the next poll.
            return EventBuffer.SinkOf(ctx).Add(-1, data, (int)size) ? 0 : -(int)Errno.ECANCELED;
        }
        catch
        {
            return -(int)Errno.ECANCELED;
        }
    }

    [UnmanagedCallersOnly]
    private static void OnPerfSample(nint ctx, int cpu, nint data, uint size)
    {
        try
        {
            EventBuffer.SinkOf(ctx).Add(cpu, data, (int)size);
        }
        catch
        {
            // Dropped: a perf record cannot be left in its ring once libbpf handed it over.
        }
    }

    [UnmanagedCallersOnly]
    private static void OnPerfLost(nint ctx, int cpu, ulong count)
    {
        try
        {
            EventBuffer.SinkOf(ctx).Lost += count;
        }
        catch
        {
        }
    }
}

/// <summary>Records copied out of an event ring, in arrival order, up to a limit the reader sets per poll.</summary>
internal sealed class EventSink
{
    internal List<(int Cpu, byte[] Data)> Records { get; } = new();
    internal int Limit { get; set; } = int.MaxValue;
    /// <summary>Records the kernel could not write because a perf ring was full.</summary>
    internal ulong Lost { get; set; }

    internal unsafe bool Add(int cpu, nint data, int size)
    {
        if (Records.Count >= Limit)
            return false;
        Records.Add((cpu, new ReadOnlySpan<byte>((void*)data, size).ToArray()));
        return true;
    }
}

/// <summary>A libbpf ring_buffer or perf_buffer and the sink its callbacks fill; freed on Dispose.</summary>
internal sealed class EventBuffer : IDisposable
{
    private GCHandle _sink;

    internal EventBuffer(bool perf)
    {
        Perf = perf;
        _sink = GCHandle.Alloc(Sink);
    }

    internal bool Perf { get; }
    internal EventSink Sink { get; } = new();
    internal nint Native { get; set; }
    internal nint Context => GCHandle.ToIntPtr(_sink);

    internal static EventSink SinkOf(nint ctx) => (EventSink)GCHandle.FromIntPtr(ctx).Target!;

    public void Dispose()
    {
        if (Native != 0)
        {
            Libbpf.Free(this);
            Native = 0;
        }
        if (_sink.IsAllocated)
            _sink.Free();
    }
}
