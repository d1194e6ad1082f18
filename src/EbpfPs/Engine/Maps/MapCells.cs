namespace EbpfPs.Engine.Maps;

/// <summary>The kernel's layout of map values, which every reader and writer of raw values must follow.</summary>
public static class MapCells
{
    /// <summary>
    /// Per-CPU values are round_up(value_size, 8) bytes per possible CPU, which is how the kernel copies them out.
    /// </summary>
    public static int PerCpuStride(uint valueSize) => (int)((valueSize + 7) & ~7u);

    /// <summary>
    /// Bytes of one element's value buffer: value_size, or for per-CPU maps one 8-aligned slot per possible CPU.
    /// </summary>
    public static int ValueBufferSize(uint valueSize, bool perCpu, int cpus) => perCpu
        ? PerCpuStride(valueSize) * cpus : (int)valueSize;
}
