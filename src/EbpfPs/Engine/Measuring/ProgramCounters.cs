using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using EbpfPs.Engine.Btf;
using EbpfPs.Engine.Inventory;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop.Kernel;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// What a program under test says about itself: the packets its own counter maps hold (every map whose
/// BTF value is a struct with a `packets` field, as the router's flow counters and count_drop's counters
/// are) and its run-time statistics (run_cnt, run_time_ns).
/// </summary>
internal sealed class ProgramCounters : IDisposable
{
    private readonly AttachableProgram _program;
    private readonly List<BpfMap> _maps;

    private ProgramCounters(AttachableProgram program, List<BpfMap> maps)
    {
        _program = program;
        _maps = maps;
    }

    public bool HasPacketCounters => _maps.Count > 0;

    public static ProgramCounters For(AttachableProgram program)
    {
        var maps = new List<BpfMap>();
        foreach (uint id in program.Info.MapIds)
        {
            BpfMapInfo? info = KernelInventory.MapById(id, throwIfMissing: false);
            if (info is null || !HasPacketsField(info))
                continue;
            maps.Add(BpfMap.OpenById(id));
        }
        return new ProgramCounters(program, maps);
    }

    /// <summary>Every `packets` field of every entry summed (per-CPU values too); null without counter maps.</summary>
    public ulong? Packets()
    {
        if (_maps.Count == 0)
            return null;
        ulong total = 0;
        foreach (BpfMap map in _maps)
            foreach (BpfMapEntry e in map.ReadAll())
                if (e.Value is IDictionary record && record["packets"] is object v)
                    total += Convert.ToUInt64(v, System.Globalization.CultureInfo.InvariantCulture);
        return total;
    }

    /// <summary>The kernel's run count and run time of the program (they only grow while statistics are on).</summary>
    public (ulong Runs, ulong Ns) RunStats()
    {
        BpfProgramInfo info = KernelInventory.DescribeProgram(_program.Fd);
        return (info.RunCount, info.RunTimeNs);
    }

    private static bool HasPacketsField(BpfMapInfo info)
    {
        if (info.BtfId == 0 || info.BtfValueTypeId == 0)
            return false;
        if (BtfTypeTable.TryLoad(info.BtfId) is not BtfTypeTable btf)
            return false;
        BtfType value = btf.Type(info.BtfValueTypeId).Resolved();
        return value.Members.Any(m => m.Name == "packets" && m.Type.Resolved().Kind == BtfKind.Int);
    }

    public void Dispose()
    {
        foreach (BpfMap m in _maps)
            m.Dispose();
    }
}
