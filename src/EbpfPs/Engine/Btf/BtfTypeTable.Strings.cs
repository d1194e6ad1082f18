namespace EbpfPs.Engine.Btf;

/// <summary>Strings of the BTF that are not type names: the file names and source lines of line info.</summary>
internal sealed partial class BtfTypeTable
{
    /// <summary>The string at an offset of the string section; null when the offset lies past it.</summary>
    internal string? StringAt(uint offset) =>
        _image.IsString(offset) ? StringTable.StringAt(_image.Strings, offset) : null;
}
