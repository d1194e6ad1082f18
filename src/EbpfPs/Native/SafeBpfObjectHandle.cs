using System.Runtime.InteropServices;

namespace EbpfPs.Native;

/// <summary>A libbpf struct bpf_object*; closing it unloads programs and maps nobody else holds.</summary>
internal sealed class SafeBpfObjectHandle : SafeHandle
{
    internal SafeBpfObjectHandle(nint obj) : base(0, true) => SetHandle(obj);

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        Libbpf.bpf_object__close(handle);
        return true;
    }
}
