namespace EbpfPs.Interop.Kernel;

/// <summary>The capabilities the module's work needs (bit numbers in the capability sets).</summary>
[KernelConstant("CAP_", "linux/capability.h")]
internal enum Capability
{
    NetAdmin = 12,
    SysAdmin = 21,
    Perfmon = 38,
    Bpf = 39,
}
