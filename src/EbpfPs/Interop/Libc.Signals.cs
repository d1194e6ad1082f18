using System.Runtime.InteropServices;

namespace EbpfPs.Interop;

/// <summary>Signals to processes the engine started (the sshd of a fleet test network).</summary>
internal static partial class Libc
{
    internal const int SigTerm = 15, SigKill = 9;

    [LibraryImport(Libraries.Libc, SetLastError = true)]
    private static partial int kill(int pid, int signal);

    internal static Result Signal(int pid, int signal) => Result.FromLibc(kill(pid, signal));
}
