using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>A libbpf struct bpf_object*; closing it unloads programs and maps nobody else holds.</summary>
internal sealed class SafeBpfObjectHandle : SafeHandle
{
    internal SafeBpfObjectHandle(nint obj) : base(0, true) => SetHandle(obj);

    public override bool IsInvalid => handle == 0;

    /// <summary>The pointer for libbpf calls; valid only while the handle is alive.</summary>
    internal nint Pointer => handle;

    protected override bool ReleaseHandle()
    {
        Libbpf.CloseObject(handle);
        return true;
    }
}

/// <summary>A libbpf struct btf* loaded from the kernel; freed exactly once.</summary>
internal sealed class SafeBtfHandle : SafeHandle
{
    internal SafeBtfHandle(nint btf) : base(0, true) => SetHandle(btf);

    public override bool IsInvalid => handle == 0;

    internal nint Pointer => handle;

    protected override bool ReleaseHandle()
    {
        Libbpf.FreeBtf(handle);
        return true;
    }
}
