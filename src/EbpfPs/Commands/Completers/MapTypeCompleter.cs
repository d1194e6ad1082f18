using System;
using System.Collections;
using System.Collections.Generic;
using EbpfPs.Engine;
using EbpfPs.Engine.Inventory;

namespace EbpfPs.Commands;

/// <summary>Completes map type names as bpftool spells them (hash, array, lru_hash, ...).</summary>
public sealed class MapTypeCompleter : CompleterBase
{
    protected override IEnumerable<string> Candidates(IDictionary bound) =>
        NativeRuntime.LibbpfPresent ? KernelTypes.MapTypeNames() : Array.Empty<string>();
}
