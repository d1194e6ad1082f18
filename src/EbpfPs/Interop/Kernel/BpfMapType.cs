namespace EbpfPs.Interop.Kernel;

/// <summary>enum bpf_map_type (uapi linux/bpf.h).</summary>
[KernelConstant("BPF_MAP_TYPE_", "linux/bpf.h")]
internal enum BpfMapType
{
    Unspec = 0,
    Hash = 1,
    Array = 2,
    ProgArray = 3,
    PerfEventArray = 4,
    PercpuHash = 5,
    PercpuArray = 6,
    StackTrace = 7,
    CgroupArray = 8,
    LruHash = 9,
    LruPercpuHash = 10,
    LpmTrie = 11,
    ArrayOfMaps = 12,
    HashOfMaps = 13,
    Devmap = 14,
    Sockmap = 15,
    Cpumap = 16,
    Xskmap = 17,
    Sockhash = 18,
    CgroupStorage = 19,
    ReuseportSockarray = 20,
    PercpuCgroupStorage = 21,
    Queue = 22,
    Stack = 23,
    SkStorage = 24,
    DevmapHash = 25,
    StructOps = 26,
    Ringbuf = 27,
    InodeStorage = 28,
    TaskStorage = 29,
    BloomFilter = 30,
    UserRingbuf = 31,
    CgrpStorage = 32,
    Arena = 33,
}

/// <summary>What the engine needs to know about a map type's layout, derived from the type itself.</summary>
internal static class BpfMapTypeFacts
{
    /// <summary>Values are one slot per possible CPU, each round_up(value_size, 8) bytes.</summary>
    internal static bool HasPerCpuValue(this BpfMapType type) =>
        type is BpfMapType.PercpuHash or BpfMapType.PercpuArray or BpfMapType.LruPercpuHash
            or BpfMapType.PercpuCgroupStorage;

    /// <summary>
    /// Values are file descriptors the kernel does not give back to user space (a lookup answers ENOTSUPP or
    /// EOPNOTSUPP): perf event arrays, cgroup arrays, AF_XDP socket maps. Their data is read another way.
    /// </summary>
    internal static bool HasUnreadableValues(this BpfMapType type) =>
        type is BpfMapType.PerfEventArray or BpfMapType.CgroupArray or BpfMapType.Xskmap;

    /// <summary>
    /// No keys, only values: queues and stacks are pushed and popped, bloom filters take values and answer whether
    /// one may be in them. Their element calls pass a NULL key.
    /// </summary>
    internal static bool HoldsValuesOnly(this BpfMapType type) =>
        type is BpfMapType.Queue or BpfMapType.Stack or BpfMapType.BloomFilter;

    /// <summary>Every index exists from creation on; entries can be overwritten but not deleted.</summary>
    internal static bool IsArray(this BpfMapType type) => type is BpfMapType.Array or BpfMapType.PercpuArray;
}
