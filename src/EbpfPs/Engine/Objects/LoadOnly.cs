using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Loading one program of an object: the others are set not to load, so a program this kernel refuses (an
/// iterator, a tracing program) does not take the named one down with it, as `tc ... obj x.o sec y` loads one.
/// Programs a map's initial values name (a program array's static slots) load too: libbpf fills those slots at
/// load and fails without them.
/// </summary>
internal static class LoadOnly
{
    /// <summary>
    /// Turns autoload off for every program but the named one and the static slots' programs; a name the object
    /// lacks is refused before anything is loaded, listing the names it has.
    /// </summary>
    public static void Apply(List<NativeProgram> natives, string name, string path)
    {
        if (!natives.Any(p => string.Equals(p.Name, name, StringComparison.Ordinal)))
            throw new BpfException(ErrorId.BpfProgramNotInObject,
                $"Object '{path}' has no program named '{name}'. " +
                $"It has: {string.Join(", ", natives.Select(p => p.Name))}.", name);
        IReadOnlySet<string> slots = StaticTailTargets.Of(path);
        foreach (NativeProgram p in natives)
        {
            bool load = string.Equals(p.Name, name, StringComparison.Ordinal) || slots.Contains(p.Name);
            // The named program loads even if the object marked it SEC("?..."): naming it is asking for it. A slot's
            // program marked so stays out, as it would in a load of the whole object.
            if (load && !p.Autoload && !string.Equals(p.Name, name, StringComparison.Ordinal))
                continue;
            if (p.Autoload != load)
                p.SetAutoload(load).OrThrow(load ? "load program" : "leave out program", p.Name);
        }
    }
}
