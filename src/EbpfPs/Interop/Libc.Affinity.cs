using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>The calling thread's CPU affinity (sched_getaffinity / sched_setaffinity with pid 0).</summary>
internal static unsafe partial class Libc
{
    private const int CpuSetBytes = 128; // glibc's cpu_set_t: 1024 CPUs

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int sched_getaffinity(int pid, nuint size, byte* mask);

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int sched_setaffinity(int pid, nuint size, byte* mask);

    /// <summary>The CPUs the calling thread may run on, lowest first.</summary>
    internal static Result<int[]> AllowedCpus()
    {
        byte* mask = stackalloc byte[CpuSetBytes];
        if (sched_getaffinity(0, CpuSetBytes, mask) != 0)
            return Result.LastErrno();
        var cpus = new List<int>();
        for (int cpu = 0; cpu < CpuSetBytes * 8; cpu++)
            if ((mask[cpu / 8] & (1 << (cpu % 8))) != 0)
                cpus.Add(cpu);
        return cpus.ToArray();
    }

    /// <summary>Binds the calling thread to one CPU.</summary>
    internal static Result PinToCpu(int cpu)
    {
        byte* mask = stackalloc byte[CpuSetBytes];
        new System.Span<byte>(mask, CpuSetBytes).Clear();
        mask[cpu / 8] = (byte)(1 << (cpu % 8));
        return Result.FromLibc(sched_setaffinity(0, CpuSetBytes, mask));
    }
}
