using System;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Maps;

/// <summary>What New-BpfMap makes: a map's name, type (as bpftool spells it), sizes and BPF_F_* flags.</summary>
public sealed record BpfMapSpec(string Name, string Type, uint KeySize, uint ValueSize, uint MaxEntries,
    uint Flags = 0);

/// <summary>
/// Creates a map before any program exists (bpftool map create), pinned at once: a map no fd or pin holds is
/// freed, so the pin is what keeps it, and a failed pin leaves no map behind.
/// </summary>
public static class MapCreation
{
    /// <summary>BPF_OBJ_NAME_LEN less the NUL.</summary>
    private const int MaxNameBytes = 15;

    /// <summary>Checks everything New-BpfMap takes before the kernel is asked, for -WhatIf too.</summary>
    public static string Check(BpfMapSpec spec, string path)
    {
        CheckName(spec.Name);
        TypeOf(spec.Type);
        return LoadedPins.CheckPath(path, force: false);
    }

    public static BpfMapInfo Create(BpfMapSpec spec, string path)
    {
        NativeRuntime.EnsureLibbpf();
        string full = Check(spec, path);
        BpfMapType type = TypeOf(spec.Type);
        using SafeFdHandle fd = BpfSystem.Current.CreateMap(type, spec.Name, spec.KeySize, spec.ValueSize,
            spec.MaxEntries, spec.Flags).OrThrow($"create {spec.Type} map", spec.Name);
        LoadedPins.PinAt(fd, full, $"pin BPF map '{spec.Name}' at");
        return KernelInventory.DescribeMap(fd) with { PinnedPath = full };
    }

    /// <summary>The kernel keeps letters, digits, '_' and '.' in up to 15 bytes and refuses anything else.</summary>
    public static void CheckName(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameBytes
            || !name.All(c => c is '_' or '.' || char.IsAsciiLetterOrDigit(c)))
            throw new BpfException(ErrorId.MapNameInvalid,
                $"Map name '{name}' is not one the kernel takes: 1 to {MaxNameBytes} letters, digits, '_' or '.'.",
                name);
    }

    /// <summary>The type of a bpftool name ("hash", "lru_percpu_hash"), as this libbpf names them.</summary>
    private static BpfMapType TypeOf(string name)
    {
        foreach (BpfMapType t in KernelTypes.MapTypes())
            if (string.Equals(Libbpf.TypeName(t), name, StringComparison.OrdinalIgnoreCase))
                return t;
        throw new BpfException(ErrorId.MapTypeUnknown,
            $"'{name}' is not a map type; these are: {string.Join(", ", KernelTypes.MapTypeNames())}.", name);
    }
}
