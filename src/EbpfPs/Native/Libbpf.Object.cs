using System.Runtime.InteropServices;
using EbpfPs.Engine;

namespace EbpfPs.Native;

/// <summary>libbpf's object API: open an ELF, load it, walk its programs and maps.</summary>
internal static unsafe partial class Libbpf
{
    /// <summary>struct bpf_object_open_opts as of libbpf 1.1 (sz tells libbpf which fields we know).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ObjectOpenOpts
    {
        public nuint Size;
        public nint ObjectName;
        public byte RelaxedMaps;
        public nint PinRootPath;
        public uint Unused;
        public nint Kconfig;
        public nint BtfCustomPath;
        public nint KernelLogBuf;
        public nuint KernelLogSize;
        public uint KernelLogLevel;
    }

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint bpf_object__open_file(string path, ObjectOpenOpts* opts);

    [LibraryImport(Libraries.Libbpf, SetLastError = true)]
    private static partial int bpf_object__load(nint obj);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial void bpf_object__close(nint obj);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_object__name(nint obj);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_object__next_program(nint obj, nint prev);

    [LibraryImport(Libraries.Libbpf)]
    internal static partial nint bpf_object__next_map(nint obj, nint prev);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__pin_maps(nint obj, string path);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__unpin_maps(nint obj, string? path);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__pin_programs(nint obj, string path);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__unpin_programs(nint obj, string path);

    /// <summary>Opens an object file; the opts (log buffer, pin root) must outlive the handle's load.</summary>
    internal static SafeBpfObjectHandle OpenObject(string path, ObjectOpenOpts* opts)
    {
        nint obj = bpf_object__open_file(path, opts);
        return obj == 0
            ? throw BpfException.FromErrno(Marshal.GetLastPInvokeError(), "open BPF object", path, "BpfObjectOpenFailed")
            : new SafeBpfObjectHandle(obj);
    }

    /// <summary>Loads every program and map; returns the negative errno so the caller can attach the verifier log.</summary>
    internal static int LoadObject(SafeBpfObjectHandle obj) => bpf_object__load(obj.DangerousGetHandle());

    internal static string ObjectName(SafeBpfObjectHandle obj) => Str(bpf_object__name(obj.DangerousGetHandle())) ?? "";

    internal static void PinMaps(SafeBpfObjectHandle obj, string dir) =>
        Check(bpf_object__pin_maps(obj.DangerousGetHandle(), dir), "pin maps under", dir);

    internal static void PinPrograms(SafeBpfObjectHandle obj, string dir) =>
        Check(bpf_object__pin_programs(obj.DangerousGetHandle(), dir), "pin programs under", dir);

    internal static void UnpinMaps(SafeBpfObjectHandle obj, string? dir) => bpf_object__unpin_maps(obj.DangerousGetHandle(), dir);

    internal static void UnpinPrograms(SafeBpfObjectHandle obj, string dir) => bpf_object__unpin_programs(obj.DangerousGetHandle(), dir);

    /// <summary>libbpf 1.x returns -errno from int functions; turn that into our exception.</summary>
    internal static int Check(int rc, string operation, object? target = null, string? errorId = null) =>
        rc < 0 ? throw BpfException.FromErrno(-rc, operation, target, errorId) : rc;

    internal static string? Str(nint p) => p == 0 ? null : Marshal.PtrToStringUTF8(p);
}
