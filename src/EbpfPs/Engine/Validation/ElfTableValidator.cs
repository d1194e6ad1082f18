using System;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Validation;

/// <summary>
/// The symbol table and the relocation sections: every index they hold names something that exists, and
/// every offset they hold lies inside the section it points into. libbpf 1.1 indexes its own section
/// array with a symbol's st_shndx and patches instructions at relocation offsets.
/// </summary>
internal static class ElfTableValidator
{
    public const int SymbolSize = 24, RelSize = 16, RelaSize = 24, InsnSize = 8;
    private const int ShnAbs = 0xfff1, ShnCommon = 0xfff2;
    private const byte LdImm64 = 0x18; // BPF_LD | BPF_IMM | BPF_DW: two instruction slots

    /// <summary>Checks the one symbol table and every relocation section; returns the symbol table's index.</summary>
    public static int Check(ElfImage elf)
    {
        int symtab = -1;
        foreach (ElfSection s in elf.Sections)
            if (s.Type == ElfImage.ShtSymtab)
            {
                if (symtab >= 0)
                    throw Bad($"There are two symbol tables, {elf.Describe(symtab)} and {elf.Describe(s.Index)}.");
                symtab = s.Index;
            }
        if (symtab < 0)
            throw Bad("There is no symbol table (.symtab); was the object stripped?");

        int symbolCount = CheckSymbols(elf, elf.Sections[symtab]);
        foreach (ElfSection s in elf.Sections)
            if (s.Type is ElfImage.ShtRel or ElfImage.ShtRela)
                CheckRelocations(elf, s, symtab, symbolCount);
        return symtab;
    }

    private static int CheckSymbols(ElfImage elf, in ElfSection symtab)
    {
        int index = symtab.Index;
        string Where() => elf.Describe(index); // only on failure: names cost an allocation
        if (symtab.EntrySize != SymbolSize || symtab.Size % SymbolSize != 0)
            throw Bad(
                $"Symbol table {Where()} has entry size {symtab.EntrySize} and size {symtab.Size}; " +
                $"entries are {SymbolSize} bytes.");
        if (symtab.Link == 0 || symtab.Link >= elf.Sections.Length
            || elf.Sections[symtab.Link].Type != ElfImage.ShtStrtab)
            throw Bad($"Symbol table {Where()} links to section {symtab.Link}, which is not a string table.");
        ReadOnlySpan<byte> names = elf.Data(elf.Sections[symtab.Link]);
        if (names.Length == 0 || names[^1] != 0)
            throw Bad($"Symbol name table {elf.Describe((int)symtab.Link)} is empty or not NUL-terminated.");

        ReadOnlySpan<byte> data = elf.Data(symtab);
        int count = data.Length / SymbolSize;
        if (symtab.Info > (uint)count)
            throw Bad($"Symbol table {Where()} says its first global symbol is #{symtab.Info} of {count}.");
        EndianReader r = elf.Reader;
        for (int i = 1; i < count; i++)
        {
            int at = i * SymbolSize;
            uint name = r.U32(data, at);
            ushort shndx = r.U16(data, at + 6);
            ulong value = r.U64(data, at + 8), size = r.U64(data, at + 16);
            if (name >= (uint)names.Length)
                throw Bad($"Symbol #{i}'s name offset {name} is past its string table ({names.Length} bytes).");
            if (shndx is 0 or ShnAbs or ShnCommon)
                continue;
            if (shndx >= elf.Sections.Length)
                throw Bad(
                    $"Symbol {Label(names, name, i)} is in section {shndx}, " +
                    $"but there are {elf.Sections.Length} sections.");
            ulong sectionSize = elf.Sections[shndx].Size;
            if (value > sectionSize || size > sectionSize - value)
                throw Bad(
                    $"Symbol {Label(names, name, i)} at offset {value}, size {size} runs past " +
                    $"{elf.Describe(shndx)} ({sectionSize} bytes).");
        }
        return count;
    }

    private static InvalidObjectException Bad(string message) => new(message);

    private static string Label(ReadOnlySpan<byte> names, uint name, int index) =>
        name == 0 ? $"#{index}" : $"#{index} '{ElfImage.StringAt(names, name)}'";

    private static void CheckRelocations(ElfImage elf, in ElfSection rel, int symtab, int symbolCount)
    {
        int index = rel.Index;
        string Where() => elf.Describe(index); // only on failure: names cost an allocation
        int entry = rel.Type == ElfImage.ShtRel ? RelSize : RelaSize;
        if (rel.EntrySize != (ulong)entry || rel.Size % (ulong)entry != 0)
            throw Bad(
                $"Relocation section {Where()} has entry size {rel.EntrySize} and size {rel.Size}; " +
                $"entries are {entry} bytes.");
        if (rel.Link != symtab)
            throw Bad($"Relocation section {Where()} links to section {rel.Link}, not the symbol table ({symtab}).");
        if (rel.Info == 0 || rel.Info >= elf.Sections.Length)
            throw Bad($"Relocation section {Where()} applies to section {rel.Info}, which does not exist.");

        ElfSection target = elf.Sections[rel.Info];
        bool code = (target.Flags & ElfImage.ShfExecInstr) != 0 && target.HasFileData;
        ReadOnlySpan<byte> insns = code ? elf.Data(target) : ReadOnlySpan<byte>.Empty;
        ReadOnlySpan<byte> data = elf.Data(rel);
        EndianReader r = elf.Reader;
        for (int at = 0, i = 0; at < data.Length; at += entry, i++)
        {
            ulong offset = r.U64(data, at);
            ulong symbol = r.U64(data, at + 8) >> 32;
            if (symbol >= (ulong)symbolCount)
                throw Bad($"Relocation #{i} of {Where()} names symbol #{symbol}, but there are {symbolCount}.");
            if (offset >= target.Size)
                throw Bad(
                    $"Relocation #{i} of {Where()} is at offset {offset}, " +
                    $"past {elf.Describe(target.Index)} ({target.Size} bytes).");
            if (!code)
                continue;
            // libbpf patches the instruction there (and the next slot for a 64-bit load): it must be whole.
            int slots = insns[(int)(offset - offset % InsnSize)] == LdImm64 ? 2 : 1;
            if (offset % InsnSize != 0 || offset + (ulong)(slots * InsnSize) > target.Size)
                throw Bad(
                    $"Relocation #{i} of {Where()} points at offset {offset}, " +
                    $"not a whole instruction of {elf.Describe(target.Index)}.");
        }
    }
}
