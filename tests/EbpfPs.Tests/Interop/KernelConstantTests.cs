using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop.Kernel;
using Xunit;

namespace EbpfPs.Tests.Interop;

/// <summary>
/// Every member of every [KernelConstant] enum against the kernel's own numbers: the running kernel's BTF
/// (enumerators, including those newer than the installed headers: tcx, netdev) and the uapi or libbpf header the
/// enum names (#defines and enumerators). A member must be found in at least one of them, and wherever its C
/// name is found the value must be ours.
/// </summary>
public sealed class KernelConstantTests
{
    private const string VmlinuxBtf = "/sys/kernel/btf/vmlinux";
    private const string Include = "/usr/include";

    private static readonly Lazy<Dictionary<string, HashSet<long>>> KernelEnumerators = new(ReadKernelEnumerators);

    private static Dictionary<string, HashSet<long>> ReadKernelEnumerators()
    {
        BtfTypeTable btf = BtfTypeTable.Parse(File.ReadAllBytes(VmlinuxBtf));
        var values = new Dictionary<string, HashSet<long>>(StringComparer.Ordinal);
        for (uint id = 1; id < btf.Count; id++)
        {
            if (btf.KindOf(id) is not (BtfKind.Enum or BtfKind.Enum64))
                continue;
            foreach (var (name, value) in btf.Type(id).Enumerators)
            {
                if (!values.TryGetValue(name, out HashSet<long>? set))
                    values[name] = set = new HashSet<long>();
                set.Add(value);
            }
        }
        return values;
    }

    private static IEnumerable<Type> KernelEnums() => typeof(KernelConstantAttribute).Assembly.GetTypes()
        .Where(t => t.IsEnum && t.GetCustomAttribute<KernelConstantAttribute>() is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal);

    [Fact]
    public void EveryMemberHasTheKernelsValue()
    {
        Assert.True(File.Exists(VmlinuxBtf), $"{VmlinuxBtf} is missing: the kernel has no CONFIG_DEBUG_INFO_BTF.");
        var headers = new Dictionary<string, IReadOnlyDictionary<string, long>>();
        var problems = new List<string>();
        int checkedMembers = 0, enums = 0;
        foreach (Type type in KernelEnums())
        {
            enums++;
            var constant = type.GetCustomAttribute<KernelConstantAttribute>()!;
            string headerPath = Path.Combine(Include, constant.Header);
            if (!headers.TryGetValue(headerPath, out IReadOnlyDictionary<string, long>? header))
                headers[headerPath] = header = File.Exists(headerPath)
                    ? UapiHeader.Constants(headerPath)
                    : new Dictionary<string, long>();
            bool flags = type.GetCustomAttribute<FlagsAttribute>() is not null;
            foreach (FieldInfo member in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                long ours = Value(member.GetValue(null)!);
                // "no flags" is .NET's convention for a [Flags] enum, not a kernel constant
                if (flags && ours == 0 && member.Name == "None")
                    continue;
                checkedMembers++;
                string c = KernelNames.CName(member);
                bool inBtf = KernelEnumerators.Value.TryGetValue(c, out HashSet<long>? kernel);
                bool inHeader = header.TryGetValue(c, out long defined);
                string where = $"{type.Name}.{member.Name} = {ours} ({c})";
                if (!inBtf && !inHeader)
                    problems.Add($"{where}: not in the kernel's BTF nor in {constant.Header}");
                if (inBtf && !kernel!.Contains(ours))
                    problems.Add($"{where}: the kernel's BTF says {string.Join(" or ", kernel)}");
                if (inHeader && defined != ours)
                    problems.Add($"{where}: {constant.Header} says {defined}");
            }
        }

        Assert.True(problems.Count == 0,
            $"{problems.Count} of {checkedMembers} kernel constants do not match:\n" + string.Join("\n", problems));
        Assert.True(enums >= 20 && checkedMembers >= 150,
            $"only {enums} enums with {checkedMembers} members were checked");
    }

    [Fact]
    public void TheConstantsKeptOutsideEnumsMatchTheHeadersToo()
    {
        var netlink = UapiHeader.Constants(Path.Combine(Include, "linux/netlink.h"));
        var genl = UapiHeader.Constants(Path.Combine(Include, "linux/netlink.h"),
            Path.Combine(Include, "linux/genetlink.h"));
        var sched = UapiHeader.Constants(Path.Combine(Include, "linux/pkt_sched.h"));
        // TC_H_MAKE(maj, min) is a function-like macro: ((maj) & TC_H_MAJ_MASK) | ((min) & TC_H_MIN_MASK)
        long Make(string min) =>
            (sched["TC_H_CLSACT"] & sched["TC_H_MAJ_MASK"]) | (sched[min] & sched["TC_H_MIN_MASK"]);

        var ours = new long[]
        {
            NetlinkProtocol.Route, NetlinkProtocol.Generic, NetlinkProtocol.GenlIdCtrl, TcParent.ClsactIngress,
            TcParent.ClsactEgress,
        };
        var theirs = new[]
        {
            netlink["NETLINK_ROUTE"], netlink["NETLINK_GENERIC"], genl["GENL_ID_CTRL"], Make("TC_H_MIN_INGRESS"),
            Make("TC_H_MIN_EGRESS"),
        };
        Assert.Equal(theirs, ours);
    }

    [Theory]
    [InlineData(typeof(BpfProgType), nameof(BpfProgType.SchedCls), "BPF_PROG_TYPE_SCHED_CLS")]
    [InlineData(typeof(BpfProgType), nameof(BpfProgType.LwtSeg6local), "BPF_PROG_TYPE_LWT_SEG6LOCAL")]
    [InlineData(typeof(BpfFunc), nameof(BpfFunc.L3CsumReplace), "BPF_FUNC_l3_csum_replace")]
    [InlineData(typeof(BtfKind), nameof(BtfKind.Void), "BTF_KIND_UNKN")]
    [InlineData(typeof(NetdevGenl), nameof(NetdevGenl.AttrDevIfindex), "NETDEV_A_DEV_IFINDEX")]
    [InlineData(typeof(NetdevGenl), nameof(NetdevGenl.CmdDevGet), "NETDEV_CMD_DEV_GET")]
    [InlineData(typeof(IflaAttribute), nameof(IflaAttribute.Stats64), "IFLA_STATS64")]
    public void CNamesFollowThePrefixAndSnakeCase(Type type, string member, string expected) =>
        Assert.Equal(expected, KernelNames.CName(type.GetField(member)!));

    [Fact]
    public void TheHeaderReaderNumbersEnumeratorsAndEvaluatesDefinesAsTheCompilerWould()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ebpfps-uapi-{Guid.NewGuid():N}.h");
        File.WriteAllText(path, """
            #define A_FLAG (1U << 3) /* a comment */
            #define B_FLAGS (A_FLAG | 0x10) // another
            #define C_MACRO(x) ((x) + 1)
            enum {
                E_ZERO,
                E_ONE,
            #define E_ONE E_ONE
                E_TEN = 10, E_ELEVEN,
                E_BIG = B_FLAGS << 1,
            };
            enum named { N_UNKNOWN = SOMETHING_ELSE, N_AFTER };
            """);
        try
        {
            var c = UapiHeader.Constants(path);
            Assert.Equal(8, c["A_FLAG"]);
            Assert.Equal(0x18, c["B_FLAGS"]);
            Assert.False(c.ContainsKey("C_MACRO"));
            Assert.Equal((0L, 1L, 10L, 11L, 0x30L), (c["E_ZERO"], c["E_ONE"], c["E_TEN"], c["E_ELEVEN"], c["E_BIG"]));
            Assert.False(c.ContainsKey("N_UNKNOWN") || c.ContainsKey("N_AFTER"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long Value(object boxed) => Type.GetTypeCode(Enum.GetUnderlyingType(boxed.GetType())) switch
    {
        TypeCode.UInt64 => unchecked((long)Convert.ToUInt64(boxed)),
        _ => Convert.ToInt64(boxed),
    };
}
