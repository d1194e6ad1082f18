using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Interop;

/// <summary>libbpf's object API: open an ELF, load it, walk and pin its programs and maps.</summary>
internal static unsafe partial class Libbpf
{
    /// <summary>struct bpf_object_open_opts as of libbpf 1.1 (sz tells libbpf which fields we know).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ObjectOpenOpts
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
    private static partial void bpf_object__close(nint obj);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_object__name(nint obj);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_object__next_program(nint obj, nint prev);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_object__next_map(nint obj, nint prev);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__pin_maps(nint obj, string path);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__unpin_maps(nint obj, string? path);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__pin_programs(nint obj, string path);

    [LibraryImport(Libraries.Libbpf, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int bpf_object__unpin_programs(nint obj, string path);

    /// <summary>
    /// Opens an object file. The pin root is where maps pinned by name go; the log buffer receives the
    /// verifier's log when the load fails, and must outlive the load.
    /// </summary>
    internal static Result<SafeBpfObjectHandle> OpenObject(string path, string? pinRoot, KernelLogBuffer log)
    {
        nint root = pinRoot is null ? 0 : Marshal.StringToCoTaskMemUTF8(pinRoot);
        try
        {
            var opts = new ObjectOpenOpts
            {
                Size = (nuint)sizeof(ObjectOpenOpts),
                PinRootPath = root,
                KernelLogBuf = log.Pointer,
                KernelLogSize = (nuint)log.Size,
            };
            // libbpf copies the pin root path during open, so it can be freed right after.
            nint obj = bpf_object__open_file(path, &opts);
            return obj == 0 ? Result.LastErrno() : new SafeBpfObjectHandle(obj);
        }
        finally
        {
            if (root != 0) Marshal.ZeroFreeCoTaskMemUTF8(root);
        }
    }

    /// <summary>Loads every program and map of the object into the kernel.</summary>
    internal static Result LoadObject(SafeBpfObjectHandle obj) => Result.FromReturn(bpf_object__load(obj.Pointer));

    internal static void CloseObject(nint obj) => bpf_object__close(obj);

    internal static string ObjectName(SafeBpfObjectHandle obj) => Str(bpf_object__name(obj.Pointer)) ?? "";

    internal static List<NativeProgram> Programs(SafeBpfObjectHandle obj)
    {
        var result = new List<NativeProgram>();
        for (nint p = bpf_object__next_program(obj.Pointer, 0); p != 0; p = bpf_object__next_program(obj.Pointer, p))
            result.Add(new NativeProgram(p));
        return result;
    }

    internal static List<NativeMap> Maps(SafeBpfObjectHandle obj)
    {
        var result = new List<NativeMap>();
        for (nint m = bpf_object__next_map(obj.Pointer, 0); m != 0; m = bpf_object__next_map(obj.Pointer, m))
            result.Add(new NativeMap(m));
        return result;
    }

    internal static Result PinMaps(SafeBpfObjectHandle obj, string dir) =>
        Result.FromReturn(bpf_object__pin_maps(obj.Pointer, dir));

    internal static Result PinPrograms(SafeBpfObjectHandle obj, string dir) =>
        Result.FromReturn(bpf_object__pin_programs(obj.Pointer, dir));

    /// <summary>Removes the pins of the object's maps under dir (with null: each map's own pin path).</summary>
    internal static Result UnpinMaps(SafeBpfObjectHandle obj, string? dir) =>
        Result.FromReturn(bpf_object__unpin_maps(obj.Pointer, dir));

    internal static Result UnpinPrograms(SafeBpfObjectHandle obj, string dir) =>
        Result.FromReturn(bpf_object__unpin_programs(obj.Pointer, dir));

    internal static string? Str(nint p) => p == 0 ? null : Marshal.PtrToStringUTF8(p);
}

/// <summary>A native buffer libbpf writes the kernel verifier's log into; freed on Dispose.</summary>
internal sealed unsafe class KernelLogBuffer : IDisposable
{
    internal KernelLogBuffer(int size)
    {
        Size = size;
        Pointer = (nint)NativeMemory.AllocZeroed((nuint)size);
    }

    internal nint Pointer { get; private set; }
    internal int Size { get; }

    /// <summary>What the kernel wrote, or null when it wrote nothing.</summary>
    internal string? Text
    {
        get
        {
            string? text = Pointer == 0 ? null : Marshal.PtrToStringUTF8(Pointer);
            return string.IsNullOrWhiteSpace(text) ? null : text;
        }
    }

    public void Dispose()
    {
        if (Pointer != 0)
        {
            NativeMemory.Free((void*)Pointer);
            Pointer = 0;
        }
    }
}

/// <summary>A struct bpf_program* of an open object; valid while the object's handle is alive.</summary>
internal readonly unsafe partial struct NativeProgram
{
    private readonly nint _p;

    internal NativeProgram(nint p) => _p = p;

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_program__name(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_program__section_name(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_program__fd(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_program__set_type(nint prog, int type);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_program__type(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool bpf_program__autoload(nint prog);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_program__set_autoload(nint prog, [MarshalAs(UnmanagedType.U1)] bool autoload);

    internal string Name => Libbpf.Str(bpf_program__name(_p)) ?? "";

    internal string Section => Libbpf.Str(bpf_program__section_name(_p)) ?? "";

    /// <summary>The loaded program's fd, owned by the object (null before load or with autoload off).</summary>
    internal SafeFdHandle? BorrowFd()
    {
        int fd = bpf_program__fd(_p);
        return fd < 0 ? null : new SafeFdHandle(fd, ownsHandle: false);
    }

    /// <summary>The type libbpf took from the section name; Unspec when it does not say one (SEC("router")).</summary>
    internal BpfProgType Type => (BpfProgType)bpf_program__type(_p);

    /// <summary>False for programs the object marks not to load (SEC("?...")).</summary>
    internal bool Autoload => bpf_program__autoload(_p);

    /// <summary>Whether the object's load loads this program (before load only; libbpf refuses after).</summary>
    internal Result SetAutoload(bool autoload) => Result.FromReturn(bpf_program__set_autoload(_p, autoload));

    /// <summary>Sets the program type before load, for sections whose name does not say it.</summary>
    internal Result SetType(BpfProgType type) => Result.FromReturn(bpf_program__set_type(_p, (int)type));
}

/// <summary>A struct bpf_map* of an open object; valid while the object's handle is alive.</summary>
internal readonly unsafe partial struct NativeMap
{
    private readonly nint _m;

    internal NativeMap(nint m) => _m = m;

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_map__name(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial int bpf_map__fd(nint map);

    [LibraryImport(Libraries.Libbpf)]
    private static partial nint bpf_map__pin_path(nint map);

    [LibraryImport(Libraries.Libbpf)]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool bpf_map__is_pinned(nint map);

    internal string Name => Libbpf.Str(bpf_map__name(_m)) ?? "";

    /// <summary>Where the map is or will be pinned (maps pinned by name get one at open).</summary>
    internal string? PinPath => Libbpf.Str(bpf_map__pin_path(_m));

    internal bool IsPinned => bpf_map__is_pinned(_m);

    internal SafeFdHandle? BorrowFd()
    {
        int fd = bpf_map__fd(_m);
        return fd < 0 ? null : new SafeFdHandle(fd, ownsHandle: false);
    }
}
