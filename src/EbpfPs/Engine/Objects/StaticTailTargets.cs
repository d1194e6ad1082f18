using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Validation;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// The programs an object's maps name in their initial values: a program array written as
/// `.values = { [0] = &amp;tail_target }` is filled by libbpf at load with those programs' fds, and fails the whole
/// load when one of them was left out. libbpf 1.1 has no call that lists them, so they are read from the
/// relocations of the .maps section (each points at the program's function symbol).
/// </summary>
internal static class StaticTailTargets
{
    /// <summary>Names of the programs (function symbols) the .maps section refers to; empty when none.</summary>
    public static IReadOnlySet<string> Of(string path)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        // The loader validated the file before libbpf opened it, so its tables are known to be in bounds.
        ElfImage elf = ElfImage.Parse(File.ReadAllBytes(path));
        int maps = elf.FindUnique(".maps"u8);
        if (maps < 0)
            return names;
        int symtab = ElfTableValidator.Check(elf);
        ElfSection symbols = elf.Sections[symtab];
        ReadOnlySpan<byte> table = elf.Data(symbols), strings = elf.Data(elf.Sections[symbols.Link]);
        EndianReader r = elf.Reader;
        foreach (ElfSection s in elf.Sections)
        {
            if (s.Type is not (ElfImage.ShtRel or ElfImage.ShtRela) || s.Info != (uint)maps)
                continue;
            int entry = s.Type == ElfImage.ShtRel ? ElfTableValidator.RelSize : ElfTableValidator.RelaSize;
            ReadOnlySpan<byte> relocations = elf.Data(s);
            for (int at = 0; at + entry <= relocations.Length; at += entry)
            {
                int symbol = (int)(r.U64(relocations, at + 8) >> 32) * ElfTableValidator.SymbolSize;
                ushort section = r.U16(table, symbol + 6);
                if (section < elf.Sections.Length && (elf.Sections[section].Flags & ElfImage.ShfExecInstr) != 0)
                    names.Add(ElfImage.StringAt(strings, r.U32(table, symbol)));
            }
        }
        return names;
    }
}
