using System;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop.Kernel;
using System.IO;
using EbpfPs.Engine.Errors;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Validation;

/// <summary>
/// Checks a BPF object file in managed code before libbpf opens it. libbpf 1.1 trusts the ELF and BTF it
/// reads: an out-of-range type id or string offset is a wild pointer there, and a crash in native code ends
/// the whole PowerShell session. Everything libbpf's open path follows is checked here instead, linearly
/// and over one read of the file.
/// </summary>
public static class ObjectFileValidator
{
    /// <summary>Far beyond any BPF object (the largest built-in is about 25 KB); libbpf would map it whole.</summary>
    public const long MaxObjectSize = 256L << 20;

    /// <summary>
    /// Throws NotARegularFile unless path (symlinks followed) is a regular file. It never opens the file, so a
    /// FIFO cannot block it.
    /// </summary>
    public static void RequireRegularFile(string path)
    {
        Result<int> stat = Libc.FileType(path);
        if (!stat.Ok)
            stat.OrThrow("inspect BPF object file", path,
                stat.Errno == Errno.ENOENT ? ErrorId.ObjectFileNotFound : ErrorId.ObjectFileUnreadable);
        int type = stat.Value;
        if (type != Libc.RegularFile)
            throw new BpfException(ErrorId.NotARegularFile,
                $"'{path}' is a {TypeName(type)}, not a regular file; a BPF object is a file clang -target bpf -c " +
                "writes.", path);
    }

    /// <summary>
    /// The file's first bytes (fewer when it is shorter). A regular file can still refuse reads (/proc/self/mem
    /// says EIO): that is ObjectFileUnreadable, never a raw IOException.
    /// </summary>
    public static byte[] ReadHead(string path, int count)
    {
        try
        {
            using FileStream f = File.OpenRead(path);
            byte[] head = new byte[count];
            int got = f.ReadAtLeast(head, count, throwOnEndOfStream: false);
            return head[..got];
        }
        catch (UnauthorizedAccessException)
        {
            throw BpfException.FromErrno((int)Errno.EACCES, "read BPF object file", path, ErrorId.ObjectFileUnreadable);
        }
        catch (IOException e)
        {
            throw Unreadable(path, e);
        }
    }

    // On Linux .NET puts the errno of a failed read in HResult when no more specific exception fits it.
    private static BpfException Unreadable(string path, IOException e) =>
        BpfException.FromErrno(e.HResult is > 0 and < 4096 ? e.HResult : (int)Errno.EIO, "read BPF object file", path,
            ErrorId.ObjectFileUnreadable);

    /// <summary>Reads the object file once and checks it; throws InvalidBpfObject naming what is wrong.</summary>
    public static void Validate(string path)
    {
        byte[] image;
        try
        {
            long length = new FileInfo(path).Length;
            if (length > MaxObjectSize)
                throw new BpfException(ErrorId.ObjectFileTooLarge,
                    $"'{path}' is {length} bytes; BPF objects larger than {MaxObjectSize} bytes are refused.", path);
            image = File.ReadAllBytes(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw BpfException.FromErrno((int)Errno.EACCES, "read BPF object file", path, ErrorId.ObjectFileUnreadable);
        }
        catch (IOException e)
        {
            throw Unreadable(path, e);
        }
        Validate(image, path);
    }

    /// <summary>Checks an object file's bytes; target names it in the error (a path, usually).</summary>
    public static void Validate(byte[] image, string target)
    {
        try
        {
            Check(image);
        }
        catch (InvalidObjectException e)
        {
            throw Invalid(target, e.Message, e);
        }
        catch (ArgumentOutOfRangeException e)
        {
            // Every read is bounds-checked before it is made; this is the net under that, and it still means bad input.
            throw Invalid(target, "a structure in it runs past the data that holds it.", e);
        }
    }

    /// <summary>The checks in the order libbpf's open path relies on them; tests may allow both byte orders.</summary>
    internal static void Check(byte[] image, bool hostOrderOnly = true)
    {
        ElfImage elf = ElfImage.Parse(image);
        if (hostOrderOnly && elf.Reader.BigEndian == BitConverter.IsLittleEndian)
            throw new InvalidObjectException(elf.Reader.BigEndian
                ? "It was built for big-endian BPF (bpfeb), but this machine is little-endian; build it with " +
                  "-target bpf or bpfel."
                : "It was built for little-endian BPF (bpfel), but this machine is big-endian; build it with " +
                  "-target bpf or bpfeb.");
        ElfTableValidator.Check(elf);

        BtfImage? btf = null;
        int btfIndex = elf.FindUnique(".BTF"u8);
        if (btfIndex >= 0)
        {
            ElfSection s = RequireProgbits(elf, btfIndex);
            string where = $"BTF section {elf.Describe(btfIndex)}";
            btf = BtfImage.Parse(image, (int)s.Offset, (int)s.Size, where);
            BtfValidator.Check(btf, where);
        }

        int extIndex = elf.FindUnique(".BTF.ext"u8);
        if (extIndex >= 0)
        {
            ElfSection s = RequireProgbits(elf, extIndex);
            if (btf is null)
                throw new InvalidObjectException(
                    $"It has {elf.Describe(extIndex)} but no .BTF section for it to refer to.");
            BtfExtValidator.Check(elf.Data(s), btf, $"BTF.ext section {elf.Describe(extIndex)}");
        }

        int mapsIndex = elf.FindUnique(".maps"u8);
        if (mapsIndex >= 0)
        {
            if (btf is null)
                throw new InvalidObjectException(
                    $"Its map definitions in {elf.Describe(mapsIndex)} need BTF, but there is no .BTF section.");
            if (!HasDatasec(btf, ".maps"u8))
                throw new InvalidObjectException(
                    $"Its map definitions in {elf.Describe(mapsIndex)} have no BTF DATASEC '.maps' describing them.");
        }
    }

    private static ElfSection RequireProgbits(ElfImage elf, int index)
    {
        ElfSection s = elf.Sections[index];
        if (s.Type != ElfImage.ShtProgbits)
            throw new InvalidObjectException($"Section {elf.Describe(index)} has type {s.Type}, not SHT_PROGBITS.");
        return s;
    }

    private static bool HasDatasec(BtfImage btf, ReadOnlySpan<byte> name)
    {
        for (int id = 1; id <= btf.Count; id++)
            if (btf.Kind(id) == BtfKind.Datasec && ElfImage.NameEquals(btf.Strings, btf.NameOffset(id), name))
                return true;
        return false;
    }

    private static BpfException Invalid(string target, string what, Exception inner) =>
        new(ErrorId.InvalidBpfObject, $"'{target}' is not a well-formed BPF object: {what}", target, inner: inner);

    private static string TypeName(int type) => type switch
    {
        0x1000 => "FIFO (named pipe)",
        0x2000 => "character device",
        0x4000 => "directory",
        0x6000 => "block device",
        0xc000 => "socket",
        _ => $"file of type 0x{type:x4}",
    };
}
