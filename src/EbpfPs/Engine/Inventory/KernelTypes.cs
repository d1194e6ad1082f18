using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Inventory;

/// <summary>The program and map types this libbpf can name, with those names (as bpftool spells them).</summary>
public static class KernelTypes
{
    public static IEnumerable<string> ProgramTypeNames() => ProgramTypes().Select(Libbpf.TypeName);

    public static IEnumerable<string> MapTypeNames() => MapTypes().Select(Libbpf.TypeName);

    internal static IEnumerable<BpfProgType> ProgramTypes() =>
        Enum.GetValues<BpfProgType>().Where(t => t != BpfProgType.Unspec && Libbpf.KnowsType(t));

    internal static IEnumerable<BpfMapType> MapTypes() =>
        Enum.GetValues<BpfMapType>().Where(t => t != BpfMapType.Unspec && Libbpf.KnowsType(t));
}
