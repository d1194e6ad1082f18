using System;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// Names of the native libraries and the resolver that finds them. libbpf ships as libbpf.so.1 on
/// Debian without the unversioned dev symlink unless libbpf-dev is installed, so we ask for the
/// soname first; a missing library becomes state the engine reports, not a DllNotFoundException.
/// </summary>
internal static class Libraries
{
    internal const string Libbpf = "libbpf";
    internal const string Libc = "libc";

    private static readonly string[] LibbpfCandidates = { "libbpf.so.1", "libbpf.so" };
    private static readonly string[] LibcCandidates = { "libc.so.6", "libc" };
    private static int _registered;
    private static nint _libbpf;

    internal static void Register()
    {
        if (System.Threading.Interlocked.Exchange(ref _registered, 1) == 1)
            return;
        NativeLibrary.SetDllImportResolver(typeof(Libraries).Assembly, Resolve);
    }

    /// <summary>True when libbpf.so.1 can be loaded; callers turn false into a NotInstalled error.</summary>
    internal static bool TryLoadLibbpf() => TryLoad(LibbpfCandidates, out _libbpf);

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        string[]? candidates = name switch { Libbpf => LibbpfCandidates, Libc => LibcCandidates, _ => null };
        if (candidates is null) return 0;
        if (name == Libbpf && _libbpf != 0) return _libbpf;
        return TryLoad(candidates, out nint handle) ? handle : 0;
    }

    private static bool TryLoad(string[] candidates, out nint handle)
    {
        foreach (string candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, out handle))
                return true;
        handle = 0;
        return false;
    }
}
