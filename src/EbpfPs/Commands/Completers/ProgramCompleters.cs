using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Commands;

/// <summary>Completes the module's built-in program names (drop, router, ...).</summary>
public sealed class BuiltinProgramCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) => BuiltinObjects.Names();
}

/// <summary>Completes names of programs loaded in the kernel.</summary>
public sealed class KernelProgramNameCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        NativeRuntime.LibbpfPresent ? KernelInventory.Programs().Select(p => p.Name).Where(n => n.Length > 0)
            : Array.Empty<string>();
}

/// <summary>Completes names of maps loaded in the kernel.</summary>
public sealed class KernelMapNameCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        NativeRuntime.LibbpfPresent ? KernelInventory.Maps().Select(m => m.Name).Where(n => n.Length > 0)
            : Array.Empty<string>();
}

/// <summary>Completes program type names as bpftool spells them.</summary>
public sealed class ProgramTypeCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        NativeRuntime.LibbpfPresent ? KernelTypes.ProgramTypeNames() : Array.Empty<string>();
}

/// <summary>
/// Completes Get-BpfFeature -Name from the categories -Category names (all when none), probing nothing.
/// </summary>
public sealed class FeatureNameCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        NativeRuntime.LibbpfPresent ? FeatureProbe.Names(BoundStrings(bound, "Category")) : Array.Empty<string>();
}

/// <summary>Completes link type names as bpftool spells them (xdp, tcx, netns, ...).</summary>
public sealed class LinkTypeCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        NativeRuntime.LibbpfPresent ? LinkInventory.TypeNames() : Array.Empty<string>();
}
