using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine;

/// <summary>
/// Makes sure libbpf is present and its log goes somewhere before any engine call. Safe to call
/// many times; only the first does work.
/// </summary>
public static class NativeRuntime
{
    private static readonly object Gate = new();
    private static bool? _libbpfPresent;

    /// <summary>Lets the runtime find libbpf and libc by their versioned names; cheap, and loads nothing yet.</summary>
    public static void Register() => Libraries.Register();

    public static bool LibbpfPresent
    {
        get
        {
            lock (Gate)
            {
                if (_libbpfPresent is null)
                {
                    Libraries.Register();
                    _libbpfPresent = Libraries.TryLoadLibbpf();
                    if (_libbpfPresent == true)
                        Libbpf.InstallPrint(LibbpfLog.Append);
                }
                return _libbpfPresent.Value;
            }
        }
    }

    /// <summary>Throws a NotInstalled error naming the fix when libbpf.so.1 cannot be loaded.</summary>
    public static void EnsureLibbpf()
    {
        if (!LibbpfPresent)
            throw new BpfException(ErrorId.LibbpfNotFound,
                "libbpf.so.1 could not be loaded, so no BPF operation is possible.",
                recommendedAction: "Install libbpf 1.x: apt-get install libbpf1 (Debian/Ubuntu) or " +
                    "dnf install libbpf (Fedora).");
    }
}
