using System;
using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>
/// Routes libbpf's printf-style log into a managed sink. libbpf calls back on the thread doing the
/// work, so the sink can hand lines to whoever is running there (a cmdlet writes them as debug output).
/// </summary>
internal static unsafe partial class Libbpf
{
    [LibraryImport(Libraries.Libbpf)]
    private static partial nint libbpf_set_print(delegate* unmanaged<int, nint, nint, int> fn);

    private static Action<int, string>? _printSink;

    internal static void InstallPrint(Action<int, string> sink)
    {
        _printSink = sink;
        libbpf_set_print(&OnPrint);
    }

    [UnmanagedCallersOnly]
    private static int OnPrint(int level, nint format, nint args)
    {
        try
        {
            const int size = 8192;
            byte* buf = stackalloc byte[size];
            int n = Libc.FormatV(buf, size, format, args);
            string line = Marshal.PtrToStringUTF8((nint)buf, Math.Clamp(n, 0, size - 1)).TrimEnd('\n');
            _printSink?.Invoke(level, line);
            return n;
        }
        catch
        {
            // An exception must not cross back into libbpf's C frames.
            return 0;
        }
    }
}
