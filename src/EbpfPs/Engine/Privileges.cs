using System;
using System.Collections.Generic;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine;

/// <summary>What a cmdlet needs the process to be allowed to do.</summary>
[Flags]
public enum Privilege
{
    None = 0,
    /// <summary>bpf(): CAP_BPF, or CAP_SYS_ADMIN on kernels before 5.8.</summary>
    Bpf = 1,
    /// <summary>Attaching to interfaces, netlink changes: CAP_NET_ADMIN.</summary>
    NetAdmin = 2,
    /// <summary>Making, entering and deleting network namespaces: CAP_SYS_ADMIN.</summary>
    SysAdmin = 4,
}

/// <summary>
/// Checks the process's effective capabilities before a cmdlet starts, so a user without them is told what to
/// grant instead of what the first refused call or tool happened to say ("ip netns add" failing, say).
/// </summary>
public static class Privileges
{
    public static void Require(Privilege needed, string what)
    {
        if (needed == Privilege.None)
            return;
        ulong caps = BpfSystem.Current.EffectiveCapabilities();
        bool Has(Capability c) => (caps & (1UL << (int)c)) != 0;
        var missing = new List<string>();
        if (needed.HasFlag(Privilege.Bpf) && !Has(Capability.Bpf) && !Has(Capability.SysAdmin))
            missing.Add("CAP_BPF (or CAP_SYS_ADMIN)");
        if (needed.HasFlag(Privilege.NetAdmin) && !Has(Capability.NetAdmin))
            missing.Add("CAP_NET_ADMIN");
        if (needed.HasFlag(Privilege.SysAdmin) && !Has(Capability.SysAdmin))
            missing.Add("CAP_SYS_ADMIN");
        if (missing.Count > 0)
            throw new BpfException(ErrorId.PermissionDenied,
                $"{what} needs {string.Join(" and ", missing)}, which this process does not have; nothing was done.",
                what, (int)Errno.EPERM, recommendedAction: BpfException.PrivilegeAdvice);
    }
}
