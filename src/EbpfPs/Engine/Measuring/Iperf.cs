using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Host;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Measuring;

/// <summary>What one iperf3 run reported.</summary>
internal sealed record IperfResult(double BitsPerSecond, double Seconds, ulong? Retransmits, ulong? Datagrams,
    ulong? LostDatagrams);

/// <summary>
/// The TCP/UDP experiment of tk154/eBPF-Tests: an iperf3 server in client B's namespace, an iperf3 client in client
/// A's sending to it through the router. Started with `ip netns exec` (iperf3 needs no bpffs pins) and an
/// argument list, never a shell line; both processes are killed when the run ends, fails or is stopped.
/// </summary>
internal static class Iperf
{
    public const string Tool = "iperf3";
    /// <summary>How often a wait for iperf3 looks whether the run was stopped.</summary>
    private static readonly TimeSpan LookEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>The iperf3 on PATH, or a NotInstalled error naming the package.</summary>
    public static string Require()
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, Tool);
            if (File.Exists(candidate))
                return candidate;
        }
        throw new BpfException(ErrorId.IperfNotInstalled,
            "-Traffic Tcp and -Traffic Udp run iperf3, which is not installed (not found on PATH).", Tool,
            recommendedAction: "apt-get install iperf3 (build.ps1 Bootstrap installs it).");
    }

    /// <summary>Runs one iperf3 test from A to B; udpPayload is the datagram size for UDP.</summary>
    public static IperfResult Run(string iperf, BpfTestNetwork network, MeasureTraffic traffic, TimeSpan duration,
        int udpPayload, CancellationToken cancel)
    {
        BpfTestInterface a = network["ClientA"], b = network["ClientB"];
        string port = Number(Random.Shared.Next(20000, 60000));
        int seconds = (int)Math.Max(1, Math.Ceiling(duration.TotalSeconds));
        var processes = new List<IToolProcess>();
        try
        {
            // --forceflush: the "listening" line must reach the pipe now, not when the buffer fills.
            IToolProcess server = Start(processes, b.NetNamespace, iperf, "-s", "-1", "--forceflush", "-B", b.Address,
                "-p", port, "--idle-timeout", Number(seconds + 10));
            WaitListening(server, cancel);
            var args = new List<string>
            {
                "-c", b.Address, "-B", a.Address, "-p", port, "-t", Number(seconds), "-J", "--connect-timeout", "3000",
            };
            if (traffic == MeasureTraffic.Udp)
                args.AddRange(new[] { "-u", "-b", "0", "-l", Number(udpPayload) });
            IToolProcess client = Start(processes, a.NetNamespace, iperf, args.ToArray());
            Task<string> output = client.StandardOutput.ReadToEndAsync(CancellationToken.None);
            Task<string> errors = client.StandardError.ReadToEndAsync(CancellationToken.None);
            while (!client.WaitForExit(LookEvery))
                cancel.ThrowIfCancellationRequested();
            return Parse(output.GetAwaiter().GetResult(), errors.GetAwaiter().GetResult(), traffic);
        }
        finally
        {
            foreach (IToolProcess p in processes)
                Stop(p);
        }
    }

    private static void Stop(IToolProcess p)
    {
        if (!p.HasExited)
        {
            p.Kill();
            p.WaitForExit(TimeSpan.FromSeconds(2));
        }
        p.Dispose();
    }

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static IToolProcess Start(List<IToolProcess> processes, string netns, string iperf,
        params string[] args)
    {
        IToolProcess p = Tools.Start("ip", new[] { "netns", "exec", netns, iperf }.Concat(args).ToArray());
        processes.Add(p);
        return p;
    }

    /// <summary>The server prints "Server listening" once its socket is bound; the client starts after.</summary>
    private static void WaitListening(IToolProcess server, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        Task<string?> line = server.StandardOutput.ReadLineAsync();
        while (true)
        {
            if (line.Wait(LookEvery))
            {
                if (line.Result is not string text)
                    throw Failed("The iperf3 server in client B's namespace exited before listening: " +
                        server.StandardError.ReadToEnd().Trim());
                if (text.Contains("listening", StringComparison.OrdinalIgnoreCase))
                    return;
                line = server.StandardOutput.ReadLineAsync();
            }
            cancel.ThrowIfCancellationRequested();
            if (clock.Elapsed > TimeSpan.FromSeconds(5))
                throw Failed("The iperf3 server did not start listening within 5 seconds.");
        }
    }

    internal static IperfResult Parse(string json, string errors, MeasureTraffic traffic)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw Failed($"iperf3 gave no result: {(errors + json).Trim()}");
        }
        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("error", out JsonElement error))
                throw Failed($"iperf3 failed: {error.GetString()}");
            JsonElement end = root.GetProperty("end");
            if (traffic == MeasureTraffic.Tcp)
            {
                JsonElement received = end.GetProperty("sum_received");
                ulong retransmits = end.GetProperty("sum_sent").TryGetProperty("retransmits", out JsonElement r)
                    ? r.GetUInt64() : 0;
                return new IperfResult(received.GetProperty("bits_per_second").GetDouble(),
                    received.GetProperty("seconds").GetDouble(), retransmits, null, null);
            }
            // The receiver's side: what arrived, of how many datagrams sent.
            JsonElement sum = end.TryGetProperty("sum_received", out JsonElement rx) ? rx : end.GetProperty("sum");
            return new IperfResult(sum.GetProperty("bits_per_second").GetDouble(),
                sum.GetProperty("seconds").GetDouble(), null, sum.GetProperty("packets").GetUInt64(),
                sum.GetProperty("lost_packets").GetUInt64());
        }
    }

    private static BpfException Failed(string message) =>
        new(ErrorId.IperfFailed, message, Tool);
}
