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
    /// Reads /proc/kallsyms once, keeping only the symbols at the addresses asked for (a program calls a few
    /// functions; the file lists about a hundred thousand). Without kallsyms every name is unknown.
    /// </summary>
    internal static KernelSymbols Load(Func<ulong, IEnumerable<ulong>> wantedFromCallBase)
    {
        string? text = Tools.ReadText("/proc/kallsyms");
        var all = new Dictionary<string, ulong>(StringComparer.Ordinal);
        if (text is null)
            return new KernelSymbols(new Dictionary<ulong, string>(), 0);
        ulong callBase = 0;
        foreach (var (address, name) in Lines(text))
            if (name == CallBase) { callBase = address; break; }
        var wanted = new HashSet<ulong>(wantedFromCallBase(callBase));
        var found = new Dictionary<ulong, string>();
        foreach (var (address, name) in Lines(text))
            if (wanted.Contains(address))
                found.TryAdd(address, name);
        return new KernelSymbols(found, callBase);
    }

    private static IEnumerable<(ulong Address, string Name)> Lines(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            // "ffffffff81234560 T name [module]": address, type, name.
            string[] f = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 3 && ulong.TryParse(f[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture,
                    out ulong address))
                yield return (address, f[2].Split('\t')[0]);
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
