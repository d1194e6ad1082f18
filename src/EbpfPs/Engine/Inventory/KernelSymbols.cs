using System;
using System.Collections.Generic;
using System.Globalization;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Host;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// Names for what a program calls: helper ids by the running kernel's enum bpf_func_id (from vmlinux BTF, so a
/// newer kernel's helpers are named without a list here), kernel addresses by /proc/kallsyms as bpftool does.
/// </summary>
internal sealed class KernelSymbols
{
    private const string VmlinuxBtf = "/sys/kernel/btf/vmlinux", CallBase = "__bpf_call_base";
    private static readonly Lazy<string?[]> Helpers = new(ReadHelperNames);

    private readonly Dictionary<ulong, string> _byAddress;

    private KernelSymbols(Dictionary<ulong, string> byAddress, ulong callBase) =>
        (_byAddress, CallBaseAddress) = (byAddress, callBase);

    /// <summary>The address xlated helper calls count from (imm = helper - __bpf_call_base); 0 if unknown.</summary>
    internal ulong CallBaseAddress { get; }

    /// <summary>
    /// The helper's name ("bpf_map_lookup_elem") for an id of enum bpf_func_id, or null when the kernel has no
    /// helper of that id (or its BTF cannot be read).
    /// </summary>
    internal static string? HelperName(int id)
    {
        string?[] names = Helpers.Value;
        return id >= 0 && id < names.Length ? names[id] : null;
    }

    internal string? NameAt(ulong address) => _byAddress.GetValueOrDefault(address);

    /// <summary>
    /// Names the addresses asked for from /proc/kallsyms, read once per call (the kernel takes about 0.3 s to
    /// write its hundred thousand lines) unless every address was named before: kernel functions keep their
    /// addresses until reboot, so their names are kept for the process; a program's or module's are read anew.
    /// Without kallsyms every name is unknown.
    /// </summary>
    internal static KernelSymbols Load(Func<ulong, IEnumerable<ulong>> wantedFromCallBase)
    {
        lock (Kept)
        {
            if (s_callBase != 0)
            {
                var known = new Dictionary<ulong, string>();
                foreach (ulong a in wantedFromCallBase(s_callBase))
                    if (Kept.TryGetValue(a, out string? name)) known[a] = name;
                    else { known = null; break; }
                if (known is not null)
                    return new KernelSymbols(known, s_callBase);
            }
            string? text = Tools.ReadText("/proc/kallsyms");
            if (text is null)
                return new KernelSymbols(new Dictionary<ulong, string>(), 0);
            ulong callBase = 0;
            foreach (var (address, name, _) in Lines(text, null))
                if (name == CallBase) { callBase = address; break; }
            var wanted = new HashSet<ulong>(wantedFromCallBase(callBase));
            var found = new Dictionary<ulong, string>();
            foreach (var (address, name, inVmlinux) in Lines(text, wanted))
            {
                if (!found.TryAdd(address, name)) continue;
                if (inVmlinux) Kept[address] = name;
            }
            s_callBase = callBase;
            return new KernelSymbols(found, callBase);
        }
    }

    private static readonly Dictionary<ulong, string> Kept = new();
    private static ulong s_callBase;

    /// <summary>
    /// "ffffffff81234560 T name [module]": address, name, and whether it is the kernel's own (no [module] or
    /// [bpf] tag). With wanted, only lines at those addresses (names of other lines are never made).
    /// </summary>
    private static IEnumerable<(ulong Address, string Name, bool InVmlinux)> Lines(string text, HashSet<ulong>? wanted)
    {
        int at = 0;
        while (at < text.Length)
        {
            int end = text.IndexOf('\n', at);
            if (end < 0) end = text.Length;
            int lineStart = at;
            at = end + 1;
            int space = text.IndexOf(' ', lineStart, end - lineStart);
            if (space < 0 || !ulong.TryParse(text.AsSpan(lineStart, space - lineStart), NumberStyles.HexNumber,
                    CultureInfo.InvariantCulture, out ulong address))
                continue;
            if (wanted is not null && !wanted.Contains(address))
                continue;
            int nameStart = space + 3; // " T "
            if (nameStart >= end) continue;
            int nameEnd = text.IndexOfAny(new[] { '\t', ' ' }, nameStart, end - nameStart);
            string name = text[nameStart..(nameEnd < 0 ? end : nameEnd)];
            yield return (address, name, nameEnd < 0);
        }
    }

    private static string?[] ReadHelperNames()
    {
        Result<SafeBtfHandle> parsed = Libbpf.ParseRawBtf(VmlinuxBtf);
        if (!parsed.Ok)
            return Array.Empty<string?>();
        try
        {
            using SafeBtfHandle btf = parsed.Value;
            BtfType? ids = BtfTypeTable.Parse(Libbpf.RawBtf(btf)).FindType("enum bpf_func_id");
            if (ids is null)
                return Array.Empty<string?>();
            var names = new List<string?>();
            const string prefix = "BPF_FUNC_";
            foreach ((string name, long value) in ids.Enumerators)
            {
                if (value < 0 || value > ushort.MaxValue || !name.StartsWith(prefix, StringComparison.Ordinal))
                    continue; // __BPF_FUNC_MAX_ID ends the list
                while (names.Count <= value) names.Add(null);
                names[(int)value] = "bpf_" + name[prefix.Length..];
            }
            return names.ToArray();
        }
        catch (Errors.BpfException)
        {
            return Array.Empty<string?>();
        }
    }
}
