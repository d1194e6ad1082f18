namespace EbpfPs.Interop.Kernel;

/// <summary>enum bpf_tc_attach_point (libbpf's bpf/libbpf.h): which clsact hook.</summary>
[System.Flags]
[KernelConstant("BPF_TC_", "bpf/libbpf.h")]
internal enum TcAttachPoint
{
    Ingress = 1,
    Egress = 2,
    Custom = 4,
}

/// <summary>enum bpf_tc_flags (libbpf's bpf/libbpf.h).</summary>
[System.Flags]
[KernelConstant("BPF_TC_F_", "bpf/libbpf.h")]
internal enum TcFlags : uint
{
    None = 0,
    Replace = 1,
}

/// <summary>TCA_BPF_FLAG_* of a cls_bpf filter (uapi linux/pkt_cls.h).</summary>
[System.Flags]
[KernelConstant("TCA_BPF_FLAG_", "linux/pkt_cls.h")]
internal enum TcBpfFlags : uint
{
    None = 0,
    ActDirect = 1,
}

/// <summary>The clsact parents (TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS/EGRESS), uapi linux/pkt_sched.h).</summary>
internal static class TcParent
{
    internal const uint ClsactIngress = 0xFFFF_FFF2, ClsactEgress = 0xFFFF_FFF3;
}
