using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>Options for loading an object file.</summary>
public sealed class BpfLoadOptions
{
    /// <summary>bpffs folder to pin every program and map under (created if missing).</summary>
    public string? PinPath { get; init; }
    /// <summary>Force a program type for objects whose section names do not say it.</summary>
    public BpfHookKind? ProgramType { get; init; }
}

/// <summary>Opens, verifies and loads BPF object files, turning every failure into a specific BpfException.</summary>
public static class BpfObjectLoader
{
    private const int LogSize = 4 * 1024 * 1024;
    private const int ProgTypeSchedCls = 3, ProgTypeXdp = 6;

    public static unsafe BpfObject Load(string path, BpfLoadOptions? options = null)
    {
        options ??= new BpfLoadOptions();
        NativeRuntime.EnsureLibbpf();
        string full = CheckObjectFile(path);
        Objects.ObjectFileValidator.Validate(full);
        string? pinPath = options.PinPath is null ? null : BpfFs.CheckOnBpfFs(options.PinPath);

        byte* log = (byte*)NativeMemory.AllocZeroed(LogSize);
        nint pinRoot = pinPath is null ? 0 : Marshal.StringToCoTaskMemUTF8(pinPath);
        try
        {
            var opts = new Libbpf.ObjectOpenOpts
            {
                Size = (nuint)sizeof(Libbpf.ObjectOpenOpts),
                PinRootPath = pinRoot,
                KernelLogBuf = (nint)log,
                KernelLogSize = LogSize,
            };
            SafeBpfObjectHandle handle;
            try
            {
                handle = Libbpf.OpenObject(full, &opts);
            }
            catch (BpfException e) when (Objects.LibbpfObjectErrors.IsAboutContent(e.Errno))
            {
                throw new BpfException("InvalidBpfObject", BpfErrorKind.InvalidData,
                    $"'{full}' is an ELF file but not a BPF object libbpf can open: {Objects.LibbpfObjectErrors.Describe(e.Errno)}.", full, e.Errno, inner: e);
            }

            try
            {
                return LoadOpened(handle, full, pinPath, options, log);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
        }
        finally
        {
            NativeMemory.Free(log);
            if (pinRoot != 0) Marshal.ZeroFreeCoTaskMemUTF8(pinRoot);
        }
    }

    private static unsafe BpfObject LoadOpened(SafeBpfObjectHandle handle, string path, string? pinPath, BpfLoadOptions options, byte* log)
    {
        nint obj = handle.DangerousGetHandle();
        var natives = new List<nint>();
        for (nint p = Libbpf.bpf_object__next_program(obj, 0); p != 0; p = Libbpf.bpf_object__next_program(obj, p))
            natives.Add(p);
        if (natives.Count == 0)
            throw new BpfException("NoBpfProgram", BpfErrorKind.InvalidData,
                $"'{path}' is a BPF object with no programs in it (no SEC(\"xdp\"), SEC(\"tc\") or similar function).", path);

        if (options.ProgramType is BpfHookKind hook)
            foreach (nint p in natives)
                Libbpf.bpf_program__set_type(p, hook == BpfHookKind.Xdp ? ProgTypeXdp : ProgTypeSchedCls);

        // Maps pinned by name are reused when their pin exists; only the ones this load creates are ours to remove.
        var createdPins = new List<string>();
        for (nint m = Libbpf.bpf_object__next_map(obj, 0); m != 0; m = Libbpf.bpf_object__next_map(obj, m))
            if (Libbpf.MapPinPath(m) is string mapPin && !File.Exists(mapPin))
                createdPins.Add(mapPin);

        int rc = Libbpf.LoadObject(handle);
        if (rc < 0)
            throw LoadFailure(-rc, path, Marshal.PtrToStringUTF8((nint)log));

        var result = new BpfObject(handle, Libbpf.ObjectName(handle), path, pinPath) { CreatedPins = createdPins };
        bool pinned = false;
        try
        {
            if (pinPath is not null)
            {
                Directory.CreateDirectory(pinPath);
                pinned = true;
                Libbpf.PinMaps(handle, pinPath);
                Libbpf.PinPrograms(handle, pinPath);
            }
            result.Programs = DescribePrograms(result, natives, pinPath);
            result.Maps = DescribeMaps(result, obj);
            return result;
        }
        catch
        {
            if (pinned) Unpin(handle, pinPath!);
            foreach (string pin in createdPins)
                File.Delete(pin);
            throw;
        }
    }

    /// <summary>Removes what Load pinned: everything under PinPath and the by-name map pins it created.</summary>
    public static void Unpin(BpfObject obj)
    {
        if (obj.PinPath is not null && obj.IsLoaded)
            Unpin(obj.Handle, obj.PinPath);
        foreach (string pin in obj.CreatedPins)
            if (File.Exists(pin))
                File.Delete(pin);
    }

    private static void Unpin(SafeBpfObjectHandle handle, string pinPath)
    {
        Libbpf.UnpinPrograms(handle, pinPath);
        Libbpf.UnpinMaps(handle, pinPath);
        try
        {
            if (Directory.Exists(pinPath) && Directory.GetFileSystemEntries(pinPath).Length == 0)
                Directory.Delete(pinPath);
        }
        catch (IOException)
        {
        }
    }

    private static List<BpfLoadedProgram> DescribePrograms(BpfObject owner, List<nint> natives, string? pinPath)
    {
        var programs = new List<BpfLoadedProgram>();
        foreach (nint p in natives)
        {
            int fd = Libbpf.bpf_program__fd(p);
            if (fd < 0) continue; // autoload off
            using var borrowed = new SafeFdHandle(fd, ownsHandle: false);
            string name = Libbpf.ProgramName(p);
            programs.Add(new BpfLoadedProgram(owner, p, KernelInventory.DescribeProgram(borrowed), name,
                Libbpf.ProgramSection(p), pinPath is null ? null : Path.Combine(pinPath, name)));
        }
        return programs;
    }

    private static List<BpfLoadedMap> DescribeMaps(BpfObject owner, nint obj)
    {
        var maps = new List<BpfLoadedMap>();
        for (nint m = Libbpf.bpf_object__next_map(obj, 0); m != 0; m = Libbpf.bpf_object__next_map(obj, m))
        {
            int fd = Libbpf.bpf_map__fd(m);
            if (fd < 0) continue;
            using var borrowed = new SafeFdHandle(fd, ownsHandle: false);
            maps.Add(new BpfLoadedMap(owner, m, KernelInventory.DescribeMap(borrowed), Libbpf.MapName(m),
                Libbpf.bpf_map__is_pinned(m) ? Libbpf.MapPinPath(m) : null));
        }
        return maps;
    }

    private static string CheckObjectFile(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
            throw new BpfException("ObjectFileNotFound", BpfErrorKind.NotFound, $"BPF object file '{full}' does not exist.", full);
        Objects.ObjectFileValidator.RequireRegularFile(full);
        Span<byte> magic = stackalloc byte[4];
        using (FileStream f = File.OpenRead(full))
        {
            if (f.Read(magic) < 4 || magic[0] != 0x7f || magic[1] != (byte)'E' || magic[2] != (byte)'L' || magic[3] != (byte)'F')
                throw new BpfException("NotAnElfFile", BpfErrorKind.InvalidData,
                    $"'{full}' is not an ELF file; a BPF object is what clang -target bpf -c writes.", full);
        }
        return full;
    }

    private static BpfException LoadFailure(int errno, string path, string? log)
    {
        if (BpfException.KindOf(errno) == BpfErrorKind.PermissionDenied && string.IsNullOrWhiteSpace(log))
            return BpfException.FromErrno(errno, "load BPF object", path, "LoadPermissionDenied");
        if (!string.IsNullOrWhiteSpace(log))
        {
            string lastLine = LastLine(log);
            return new BpfException("VerifierRejected", BpfErrorKind.InvalidData,
                $"The kernel verifier rejected a program in '{path}': {lastLine} ({LinuxErrno.Describe(errno)}, errno {errno}). The verifier log is in the error's details.",
                path, errno, verifierLog: log);
        }
        return Objects.LibbpfObjectErrors.LoadFailure(errno, path);
    }

    private static string LastLine(string log)
    {
        string[] lines = log.TrimEnd().Split('\n');
        for (int i = lines.Length - 1; i >= 0; i--)
            if (!lines[i].StartsWith("processed ", StringComparison.Ordinal) && lines[i].Trim().Length > 0)
                return lines[i].Trim();
        return lines[^1];
    }
}
