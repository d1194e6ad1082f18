using System;
using System.Text;
using EbpfPs.Engine.Btf;

namespace EbpfPs.Engine.Validation;

/// <summary>One ELF64 section header, widened to what the checks need.</summary>
internal readonly record struct ElfSection(
    int Index, uint NameOffset, uint Type, ulong Flags, ulong Offset, ulong Size, uint Link, uint Info, ulong EntrySize)
{
    public bool HasFileData => Type != ElfImage.ShtNobits && Type != ElfImage.ShtNull;
}

/// <summary>
/// An ELF64 relocatable file checked far enough that every section header, and every section's bytes, can be
/// read without running off the image: identity, header sizes, the section header table, each section's
/// extent and the section-name string table. libbpf 1.1 hands this structure to libelf and then trusts it.
/// </summary>
internal sealed class ElfImage
{
    public const ushort EtRel = 1, EmNone = 0, EmBpf = 247;
    public const uint ShtNull = 0, ShtProgbits = 1, ShtSymtab = 2, ShtStrtab = 3, ShtRela = 4, ShtNobits = 8,
        ShtRel = 9;
    public const ulong ShfExecInstr = 0x4;
    public const int HeaderSize = 64, SectionHeaderSize = 64, ProgramHeaderSize = 56;
    private const int ShnLoReserve = 0xff00, ShnXIndex = 0xffff;

    private readonly byte[] _image;

    private ElfImage(byte[] image, EndianReader reader, ElfSection[] sections, int namesIndex)
    {
        _image = image;
        Reader = reader;
        Sections = sections;
        NamesIndex = namesIndex;
    }

    public EndianReader Reader { get; }
    public ElfSection[] Sections { get; }
    public int NamesIndex { get; }
    public int Length => _image.Length;

    /// <summary>The bytes of a section; empty for SHT_NOBITS. Bounds were checked by Parse.</summary>
    public ReadOnlySpan<byte> Data(in ElfSection s) =>
        s.HasFileData ? _image.AsSpan((int)s.Offset, (int)s.Size) : ReadOnlySpan<byte>.Empty;

    /// <summary>Section name for messages: "'.BTF' (section 16)".</summary>
    public string Describe(int index)
    {
        string name = StringAt(Data(Sections[NamesIndex]), Sections[index].NameOffset);
        return $"'{name}' (section {index})";
    }

    /// <summary>
    /// Index of the section with this name, or -1; a second one is an error, because libbpf keeps the last
    /// of them and a check of the first would prove nothing. Compares bytes, so nothing is allocated.
    /// </summary>
    public int FindUnique(ReadOnlySpan<byte> name)
    {
        ReadOnlySpan<byte> names = Data(Sections[NamesIndex]);
        int found = -1;
        for (int i = 1; i < Sections.Length; i++)
        {
            if (!NameEquals(names, Sections[i].NameOffset, name)) continue;
            if (found >= 0)
                throw Bad($"Sections {found} and {i} are both named '{Encoding.UTF8.GetString(name)}'.");
            found = i;
        }
        return found;
    }

    public static bool NameEquals(ReadOnlySpan<byte> table, uint offset, ReadOnlySpan<byte> name) =>
        StringTable.NameEquals(table, offset, name);

    public static string StringAt(ReadOnlySpan<byte> table, uint offset) => StringTable.StringAt(table, offset);

    public static ElfImage Parse(byte[] image)
    {
        ReadOnlySpan<byte> data = image;
        if (data.Length < HeaderSize)
            throw Bad($"The file is {data.Length} bytes, shorter than an ELF64 header ({HeaderSize}).");
        if (data[0] != 0x7f || data[1] != (byte)'E' || data[2] != (byte)'L' || data[3] != (byte)'F')
            throw Bad("The ELF magic number is missing.");
        if (data[4] != 2)
            throw Bad($"ELF class {data[4]} is not ELFCLASS64; BPF objects are 64-bit ELF files.");
        if (data[5] is not (1 or 2))
            throw Bad($"ELF data encoding {data[5]} is neither little (1) nor big endian (2).");
        if (data[6] != 1)
            throw Bad($"ELF identity version {data[6]} is not EV_CURRENT (1).");
        var r = new EndianReader(bigEndian: data[5] == 2);

        ushort type = r.U16(data, 16), machine = r.U16(data, 18);
        if (type != EtRel)
            throw Bad($"ELF type {type} is not ET_REL (1); a BPF object is a relocatable file.");
        // libbpf accepts EM_NONE because old LLVM wrote it; anything else is a different architecture.
        if (machine is not (EmBpf or EmNone))
            throw Bad($"ELF machine {machine} is not EM_BPF ({EmBpf}); the file was built for another CPU.");
        if (r.U32(data, 20) != 1)
            throw Bad($"ELF version {r.U32(data, 20)} is not EV_CURRENT (1).");

        ulong phoff = r.U64(data, 32), shoff = r.U64(data, 40);
        ushort ehsize = r.U16(data, 52), phentsize = r.U16(data, 54), phnum = r.U16(data, 56);
        ushort shentsize = r.U16(data, 58), shnum = r.U16(data, 60), shstrndx = r.U16(data, 62);
        if (ehsize != HeaderSize)
            throw Bad($"ELF header size {ehsize} is not {HeaderSize}.");
        if (phnum != 0)
        {
            if (phentsize != ProgramHeaderSize)
                throw Bad($"ELF program header entry size {phentsize} is not {ProgramHeaderSize}.");
            CheckExtent(phoff, (ulong)phnum * ProgramHeaderSize, data.Length, "the program header table");
        }
        if (shentsize != SectionHeaderSize)
            throw Bad($"ELF section header entry size {shentsize} is not {SectionHeaderSize}.");
        if (shoff == 0 || shnum == 0)
            throw Bad(shoff == 0
                ? "The ELF file has no section header table (e_shoff is 0)."
                : "The ELF section count is 0 (extended section numbering is not used by BPF objects).");
        if (shnum >= ShnLoReserve)
            throw Bad($"The ELF section count {shnum} is in the reserved range.");
        CheckExtent(shoff, (ulong)shnum * SectionHeaderSize, data.Length, "the section header table");
        if (shstrndx == 0 || shstrndx >= shnum)
            throw Bad(shstrndx == ShnXIndex
                ? "The section-name table index uses extended numbering (SHN_XINDEX), which BPF objects never need."
                : $"The section-name table index {shstrndx} is not a section (there are {shnum}).");

        var sections = new ElfSection[shnum];
        for (int i = 0; i < shnum; i++)
        {
            int at = (int)shoff + i * SectionHeaderSize;
            var s = new ElfSection(i, r.U32(data, at), r.U32(data, at + 4), r.U64(data, at + 8), r.U64(data, at + 24),
                r.U64(data, at + 32), r.U32(data, at + 40), r.U32(data, at + 44), r.U64(data, at + 56));
            if (s.HasFileData)
                CheckExtent(s.Offset, s.Size, data.Length, $"section {i} (type {s.Type})");
            sections[i] = s;
        }

        ElfSection names = sections[shstrndx];
        if (names.Type != ShtStrtab)
            throw Bad($"The section-name table (section {shstrndx}) has type {names.Type}, not SHT_STRTAB.");
        ReadOnlySpan<byte> nameBytes = data.Slice((int)names.Offset, (int)names.Size);
        if (nameBytes.Length == 0 || nameBytes[^1] != 0)
            throw Bad($"The section-name table (section {shstrndx}) is empty or not NUL-terminated.");
        for (int i = 1; i < shnum; i++)
            if (sections[i].NameOffset >= (uint)nameBytes.Length)
                throw Bad(
                    $"Section {i}'s name offset {sections[i].NameOffset} is past the section-name table " +
                    $"({nameBytes.Length} bytes).");
        return new ElfImage(image, r, sections, shstrndx);
    }

    private static InvalidObjectException Bad(string message) => new(message);

    /// <summary>Throws unless [offset, offset+size) lies inside a file of the given length; overflow-safe.</summary>
    internal static void CheckExtent(ulong offset, ulong size, int length, string what)
    {
        if (offset > (ulong)length || size > (ulong)length - offset)
            throw Bad(
                $"{Capitalize(what)} (offset {offset}, size {size}) runs past the end of the file ({length} bytes).");
    }

    private static string Capitalize(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s.Substring(1);
}
