using System;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps.Codec;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// Sets an opened object's global variables before it is loaded. A `const volatile` variable lands in
/// .rodata, which is frozen at load: the verifier then knows its value, so configuration set this way
/// costs the program nothing per packet (branches on it are removed). Variables are found by name
/// through the object's BTF data sections; the value is the variable's raw bytes.
/// </summary>
internal static class BpfGlobalValues
{
    /// <summary>Where a variable lives: its data section and its place in it.</summary>
    internal readonly record struct GlobalVariable(string Name, string Section, uint TypeId, int Offset, int Size);

    internal static void Apply(SafeBpfObjectHandle obj, IReadOnlyDictionary<string, byte[]> values, string path)
    {
        if (values.Count == 0)
            return;
        Dictionary<string, GlobalVariable> known = Describe(obj);
        var sections = new Dictionary<string, (NativeMap Map, byte[] Image)>(StringComparer.Ordinal);
        foreach ((string name, byte[] value) in values)
        {
            if (!known.TryGetValue(name, out GlobalVariable v))
                throw new BpfException(ErrorId.GlobalVariableNotFound,
                    $"'{path}' has no global variable named '{name}'. " + (known.Count == 0
                        ? "It has none (or no BTF describing them)."
                        : $"It has: {string.Join(", ", known.Keys.Order(StringComparer.Ordinal))}."),
                    name);
            if (value.Length != v.Size)
                throw new BpfException(ErrorId.GlobalVariableSizeMismatch,
                    $"Global variable '{name}' in '{path}' is {v.Size} bytes; {value.Length} bytes were given.", name);
            if (!sections.TryGetValue(v.Section, out var section))
            {
                NativeMap? map = v.Section is ".kconfig" or ".ksyms" ? null : Libbpf.SectionMap(obj, v.Section);
                byte[] image = map?.InitialValue() ?? Array.Empty<byte>();
                if (map is null || image.Length < v.Offset + v.Size)
                    throw new BpfException(ErrorId.GlobalVariableNotSettable,
                        $"Global variable '{name}' in '{path}' lives in section {v.Section}, " +
                        "whose value cannot be set before load.", name);
                sections[v.Section] = section = (map.Value, image);
            }
            value.CopyTo(section.Image, v.Offset);
        }
        foreach ((string name, (NativeMap map, byte[] image)) in sections)
            map.SetInitialValue(image).OrThrow("set the initial value of section", name);
    }

    /// <summary>
    /// Values given as objects, encoded by each variable's BTF type with the map codecs (so the forms map values
    /// take work here too), on top of the variable's initial bytes. Errors name the variable.
    /// </summary>
    internal static Dictionary<string, byte[]> Encode(SafeBpfObjectHandle obj, IReadOnlyDictionary<string, object?>
        values, string path)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (values.Count == 0)
            return result;
        byte[] raw = Libbpf.ObjectBtf(obj);
        BtfTypeTable? btf = raw.Length == 0 ? null : BtfTypeTable.Parse(raw);
        Dictionary<string, GlobalVariable> known = Describe(obj);
        foreach ((string name, object? value) in values)
        {
            if (value is byte[] || !known.TryGetValue(name, out GlobalVariable v))
            {
                result[name] = value as byte[] ?? Array.Empty<byte>(); // Apply names what is wrong with it
                continue;
            }
            byte[] image = new byte[v.Size];
            byte[]? initial = Libbpf.SectionMap(obj, v.Section)?.InitialValue();
            if (initial is not null && initial.Length >= v.Offset + v.Size)
                Array.Copy(initial, v.Offset, image, 0, v.Size);
            try
            {
                MapCodec.Build(btf!.Type(v.TypeId), name, networkFormat: true).Encode(value, image, 0, name);
            }
            catch (BpfException e)
            {
                throw new BpfException(e.ErrorId, $"Global variable '{name}' in '{path}': {e.Message}", name);
            }
            result[name] = image;
        }
        return result;
    }

    /// <summary>Every variable the object's BTF places in a data section, by name.</summary>
    internal static Dictionary<string, GlobalVariable> Describe(SafeBpfObjectHandle obj)
    {
        var result = new Dictionary<string, GlobalVariable>(StringComparer.Ordinal);
        byte[] raw = Libbpf.ObjectBtf(obj);
        if (raw.Length == 0)
            return result;
        foreach (var (section, name, type, offset, size) in BtfTypeTable.Parse(raw).DataSectionVariables())
            result.TryAdd(name, new GlobalVariable(name, section, type, offset, size));
        return result;
    }
}
