using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Native;

namespace EbpfPs.Engine;

/// <summary>
/// Sets an opened object's global variables before it is loaded. A `const volatile` variable lands in
/// .rodata, which is frozen at load: the verifier then knows its value, so configuration set this way
/// costs the program nothing per packet (branches on it are removed). Variables are found by name
/// through the object's BTF data sections; the value is the variable's raw bytes.
/// </summary>
internal static class BpfGlobalValues
{
    /// <summary>Where a variable lives: its data section and its place in it.</summary>
    internal readonly record struct GlobalVariable(string Name, string Section, int Offset, int Size);

    internal static void Apply(nint obj, IReadOnlyDictionary<string, byte[]> values, string path)
    {
        if (values.Count == 0)
            return;
        Dictionary<string, GlobalVariable> known = Describe(obj);
        var sections = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach ((string name, byte[] value) in values)
        {
            if (!known.TryGetValue(name, out GlobalVariable v))
                throw new BpfException("GlobalVariableNotFound", BpfErrorKind.NotFound,
                    $"'{path}' has no global variable named '{name}'. " + (known.Count == 0
                        ? "It has none (or no BTF describing them)."
                        : $"It has: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))}."),
                    name);
            if (value.Length != v.Size)
                throw new BpfException("GlobalVariableSizeMismatch", BpfErrorKind.InvalidArgument,
                    $"Global variable '{name}' in '{path}' is {v.Size} bytes; {value.Length} bytes were given.", name);
            nint map = v.Section is ".kconfig" or ".ksyms" ? 0 : Libbpf.SectionMap(obj, v.Section);
            if (!sections.TryGetValue(v.Section, out byte[]? image))
            {
                image = map == 0 ? Array.Empty<byte>() : Libbpf.InitialValue(map);
                if (image.Length < v.Offset + v.Size)
                    throw new BpfException("GlobalVariableNotSettable", BpfErrorKind.InvalidArgument,
                        $"Global variable '{name}' in '{path}' lives in section {v.Section}, " +
                        "whose value cannot be set before load.", name);
                sections[v.Section] = image;
            }
            value.CopyTo(image, v.Offset);
        }
        foreach ((string section, byte[] image) in sections)
            Libbpf.SetInitialValue(Libbpf.SectionMap(obj, section), image, section);
    }

    /// <summary>Every variable the object's BTF places in a data section, by name.</summary>
    internal static unsafe Dictionary<string, GlobalVariable> Describe(nint obj)
    {
        var result = new Dictionary<string, GlobalVariable>(StringComparer.Ordinal);
        nint btf = Libbpf.ObjectBtf(obj);
        if (btf == 0)
            return result;
        uint count = Libbpf.btf__type_cnt(btf);
        for (uint id = 1; id < count; id++)
        {
            Libbpf.BtfType* t = Libbpf.btf__type_by_id(btf, id);
            if (t is null || t->Kind != Libbpf.BtfKindDatasec)
                continue;
            string section = Libbpf.Str(Libbpf.btf__name_by_offset(btf, t->NameOff)) ?? "";
            foreach (Libbpf.BtfVarSecInfo info in Libbpf.DatasecVars(btf, id))
            {
                Libbpf.BtfType* var = Libbpf.btf__type_by_id(btf, info.Type);
                if (var is null || var->Kind != Libbpf.BtfKindVar)
                    continue;
                string name = Libbpf.Str(Libbpf.btf__name_by_offset(btf, var->NameOff)) ?? "";
                result.TryAdd(name, new GlobalVariable(name, section, (int)info.Offset, (int)info.Size));
            }
        }
        return result;
    }
}
