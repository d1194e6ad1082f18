using System.Collections.Concurrent;
using EbpfPs.Engine.Btf;
using EbpfPs.Interop;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Inventory;

/// <summary>
/// A program's full name, as bpftool finds it: the kernel keeps 15 characters (BPF_OBJ_NAME_LEN), but a program
/// with BTF has function info whose first record is its main function, and that FUNC type's name is the whole C
/// name (router_firewall_func where the kernel says router_firewall).
/// </summary>
internal static class ProgramNames
{
    // By BTF object and FUNC type: BTF objects never change and their ids are allocated cyclically, so an entry
    // stays right while it can be asked for; a listing of many programs of one object reads its BTF once.
    private static readonly ConcurrentDictionary<(uint Btf, uint Type), string?> Known = new();
    private const int Limit = 4096;

    /// <summary>The full name, or null when the program has no function info or its BTF cannot be read.</summary>
    internal static string? FullName(SafeFdHandle fd, Libbpf.BpfProgInfo info)
    {
        if (info.BtfId == 0 || info.NrFuncInfo == 0)
            return null;
        Result<Libbpf.BpfFuncInfo> main = BpfSystem.Current.ProgramMainFunction(fd);
        if (!main.Ok)
            return null;
        var key = (info.BtfId, main.Value.TypeId);
        if (Known.TryGetValue(key, out string? name))
            return name;
        name = FuncName(info.BtfId, main.Value.TypeId);
        if (Known.Count >= Limit)
            Known.Clear();
        Known[key] = name;
        return name;
    }

    private static string? FuncName(uint btfId, uint typeId)
    {
        if (BtfTypeTable.TryLoad(btfId) is not BtfTypeTable btf || btf.KindOf(typeId) != BtfKind.Func)
            return null;
        string name = btf.NameOf(typeId);
        return name.Length == 0 ? null : name;
    }
}
