using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Network;
using EbpfPs.Engine.TestNetwork;

namespace EbpfPs.Engine.Fleet;

/// <summary>
/// The SSH side of a Fleet test network: a key pair for the client, a host key per router, a known_hosts file
/// of this network's own (the user's stays untouched), and an sshd per router that listens only on the router's
/// address, lets in only this network's key, and runs PowerShell as its "powershell" subsystem.
/// </summary>
internal static class FleetSsh
{
    internal const string KeyGen = "/usr/bin/ssh-keygen";
    private const string PrivilegeSeparationDirectory = "/run/sshd";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(500);
    // How long sshd and its sessions get to end on SIGTERM before SIGKILL (and again to go after it).
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(3);

    /// <summary>The tools a Fleet network runs, from openssh-server and util-linux.</summary>
    internal static readonly string[] RequiredTools =
        { FleetProcesses.Sshd, KeyGen, "/usr/bin/nsenter", "/usr/bin/unshare" };

    /// <summary>Refuses early, before anything is made, when openssh-server or util-linux is missing.</summary>
    internal static void RequireTools()
    {
        foreach (string tool in RequiredTools)
            if (!Tools.Exists(tool))
                throw new BpfException(ErrorId.ToolNotFound,
                    $"A Fleet test network needs '{tool}', which is not installed.", tool,
                    recommendedAction: "Run build.ps1 Bootstrap (it installs openssh-server without starting it), " +
                        "or apt-get install openssh-server util-linux with service starts blocked.");
    }

    /// <summary>An ed25519 key pair, no passphrase, at path (private) and path.pub; returns the public line.</summary>
    internal static string NewKey(string path, string comment)
    {
        Tools.Run(KeyGen, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path);
        return (Tools.ReadText(path + ".pub") ?? throw new BpfException(ErrorId.TestNetworkCommandFailed,
            $"'{KeyGen}' wrote no public key at {path}.pub.", KeyGen)).Trim();
    }

    /// <summary>
    /// How to start the pwsh this session runs in: under the .NET tool the process is `dotnet` and
    /// pwsh.dll in the application folder is the PowerShell; an installed pwsh is its own executable.
    /// </summary>
    internal static IReadOnlyList<string> PwshCommand()
    {
        string process = Environment.ProcessPath ?? "pwsh";
        string name = Path.GetFileNameWithoutExtension(process);
        return name == "dotnet" ? new[] { process, Path.Combine(AppContext.BaseDirectory, "pwsh.dll") }
            : new[] { process };
    }

    /// <summary>
    /// The subsystem: the maker's pwsh with the maker's HOME, so remote sessions find the module where
    /// build.ps1 Install put it even when HOME is not the one in /etc/passwd (as in some CI containers).
    /// </summary>
    internal static string SubsystemWrapper(string network, IReadOnlyList<string> pwsh, string home) =>
        "#!/bin/sh\n" +
        $"# PowerShell as the SSH subsystem of EbpfPs fleet test network {network}: the pwsh that made it.\n" +
        "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n" +
        $"export HOME={Quote(home)}\n" +
        "exec " + string.Join(' ', pwsh.Select(Quote)) + " -sshs -NoLogo -NoProfile\n";

    internal static string SshdConfig(string listenAddress, string folder, string shared, string user) =>
        string.Join('\n', new[]
        {
            $"# sshd of one router of an EbpfPs fleet test network; only for PowerShell remoting from its maker.",
            $"ListenAddress {listenAddress}:22",
            $"HostKey {Path.Combine(folder, "host_key")}",
            $"PidFile {Path.Combine(folder, "sshd.pid")}",
            $"AuthorizedKeysFile {Path.Combine(shared, "authorized_keys")}",
            $"AllowUsers {user}",
            "PermitRootLogin prohibit-password",
            "PubkeyAuthentication yes",
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "UsePAM no",
            "StrictModes yes",
            "PermitTTY no",
            "X11Forwarding no",
            "AllowTcpForwarding no",
            "AllowAgentForwarding no",
            "PermitTunnel no",
            "PrintMotd no",
            "LogLevel INFO",
            $"Subsystem powershell {Path.Combine(shared, "pwsh-sshs")}",
            "",
        });

    /// <summary>Options for Invoke-Command -Options: this network's known_hosts only, checked strictly.</summary>
    internal static Dictionary<string, string> ClientOptions(string knownHosts) => new(StringComparer.Ordinal)
    {
        ["UserKnownHostsFile"] = knownHosts,
        ["GlobalKnownHostsFile"] = "/dev/null",
        ["StrictHostKeyChecking"] = "yes",
        ["IdentitiesOnly"] = "yes",
        ["BatchMode"] = "yes",
        ["ConnectTimeout"] = "10",
    };

    /// <summary>
    /// Starts sshd in the router's network namespace and a mount namespace of its own: /sys shows the router's
    /// interfaces (as under `ip netns exec`) and /sys/fs/bpf is a bpffs of its own, so each router keeps its
    /// own pins as a real one would. sshd daemonizes; this returns its pid once it accepts connections.
    /// </summary>
    internal static int Start(BpfFleetHost host)
    {
        // sshd refuses to start without its privilege separation folder (/run/sshd): the script makes it, so the
        // engine makes no folder of the host's itself (and a test's fake host none at all).
        const string script = "mkdir -p " + PrivilegeSeparationDirectory + " && umount -l /sys " +
            "&& mount -t sysfs sysfs /sys && mount -t bpf bpf /sys/fs/bpf && exec /usr/sbin/sshd -f \"$1\" -E \"$2\"";
        Tools.Run("nsenter", $"--net={NetNamespace.RunDirectory}/{host.NetNamespace}", "unshare", "--mount",
            "--propagation", "slave", "/bin/sh", "-c", script, "ebpfps-sshd", host.SshdConfigPath, host.SshdLogPath);
        int pid = 0;
        bool gone = false;
        bool ready = Poll.Until(() =>
        {
            pid = ReadPid(host.SshdPidFile);
            gone = pid > 0 && FleetProcesses.IsGone(pid);
            // gone ends the wait too: an sshd that exited will not start accepting.
            return gone || pid > 0 && FleetProcesses.IsSshdWithConfig(pid, host.SshdConfigPath)
                && Tools.Accepts(host.HostName, 22, ConnectTimeout);
        }, StartTimeout);
        if (!ready || gone)
            throw new BpfException(ErrorId.FleetSshdFailed,
                $"sshd for {host.Name} ({host.HostName} in {host.NetNamespace}) did not start accepting " +
                $"connections: {LogTail(host.SshdLogPath)}", host.Name);
        return pid;
    }

    /// <summary>Stops the router's sshd and every session below it, if the pid is still that sshd.</summary>
    internal static void Stop(BpfFleetHost host)
    {
        int pid = ReadPid(host.SshdPidFile);
        if (pid <= 0)
            pid = host.SshdProcessId;
        if (!FleetProcesses.IsSshdWithConfig(pid, host.SshdConfigPath))
            return;
        var all = new List<int> { pid };
        all.AddRange(FleetProcesses.Descendants(pid));
        FleetProcesses.Stop(all, StopGrace);
    }

    private static int ReadPid(string file) => int.TryParse(Tools.ReadText(file)?.Trim(), out int pid) ? pid : 0;

    private static string LogTail(string log)
    {
        string text = Tools.ReadText(log)?.Trim() ?? "";
        return text.Length == 0 ? "it logged nothing." : text[Math.Max(0, text.Length - 800)..];
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>Writes a file readable by its owner only (sshd's StrictModes and ssh refuse anything looser).</summary>
    internal static void WritePrivate(string path, string text, UnixFileMode mode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        File.WriteAllText(path, text, new UTF8Encoding(false));
        SetMode(path, mode);
    }

    /// <summary>chmod g-w,o-w on a folder of the module's own (/run/ebpfps, /run/ebpfps/networks).</summary>
    internal static void RemoveWriteByOthers(string folder)
    {
        if (OperatingSystem.IsWindows())
            return;
        UnixFileMode mode = File.GetUnixFileMode(folder);
        if ((mode & (UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
            File.SetUnixFileMode(folder, mode & ~(UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
    }

    /// <summary>chmod; the module runs on Linux only, the guard is for the analyzer.</summary>
    internal static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }
}
