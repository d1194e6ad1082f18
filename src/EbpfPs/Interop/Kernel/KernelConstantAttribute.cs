using System;

namespace EbpfPs.Interop.Kernel;

/// <summary>
/// Names the C spelling of an enum's members: the prefix each member gets (BPF_PROG_TYPE_ for
/// BpfProgType.SchedCls = BPF_PROG_TYPE_SCHED_CLS) and where the constant is defined. A unit test
/// checks every member against the running kernel's BTF and the installed uapi headers.
/// </summary>
[AttributeUsage(AttributeTargets.Enum)]
internal sealed class KernelConstantAttribute : Attribute
{
    public KernelConstantAttribute(string prefix, string header)
    {
        Prefix = prefix;
        Header = header;
    }

    public string Prefix { get; }
    /// <summary>The header that defines the constants, relative to /usr/include (linux/bpf.h, bpf/libbpf.h).</summary>
    public string Header { get; }
    /// <summary>The part after the prefix is lower case in C (BPF_FUNC_map_lookup_elem).</summary>
    public bool LowerCase { get; init; }
}

/// <summary>A member whose C name does not follow from its PascalCase name and the enum's prefix.</summary>
[AttributeUsage(AttributeTargets.Field)]
internal sealed class CNameAttribute : Attribute
{
    public CNameAttribute(string name) => Name = name;
    public string Name { get; }
}

/// <summary>The C spelling of a kernel constant, from its enum's prefix and its own PascalCase name.</summary>
internal static class KernelNames
{
    internal static string CName<T>(T value) where T : struct, Enum
    {
        string member = value.ToString();
        var field = typeof(T).GetField(member);
        return field is null ? Prefixed(typeof(T), member) : CName(field);
    }

    /// <summary>
    /// The C name of one member, found by its field: members that share a value (NETDEV_CMD_DEV_GET and
    /// NETDEV_A_DEV_IFINDEX are both 1) cannot be told apart by value.
    /// </summary>
    internal static string CName(System.Reflection.FieldInfo member) =>
        member.GetCustomAttributes(typeof(CNameAttribute), false) is [CNameAttribute named]
            ? named.Name
            : Prefixed(member.DeclaringType!, member.Name);

    private static string Prefixed(Type enumType, string member)
    {
        var constant = (KernelConstantAttribute?)Attribute.GetCustomAttribute(enumType,
            typeof(KernelConstantAttribute));
        string snake = Snake(member);
        return (constant?.Prefix ?? "")
               + (constant?.LowerCase == true ? snake.ToLowerInvariant() : snake.ToUpperInvariant());
    }

    /// <summary>
    /// PascalCase to snake_case: a word starts at an upper-case letter that follows a lower-case letter or digit.
    /// </summary>
    internal static string Snake(string pascal)
    {
        var s = new System.Text.StringBuilder(pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            if (i > 0 && char.IsUpper(pascal[i]) && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1])))
                s.Append('_');
            s.Append(pascal[i]);
        }
        return s.ToString();
    }
}
