using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Measuring;

namespace EbpfPs.Commands;

/// <summary>
/// A piped row as the chart needs it: a HookThroughput as it is, or any object with its property names (Import-Csv
/// of an exported table gives strings, deserialized rows give PSObjects), read by name.
/// </summary>
internal static class HookRateRows
{
    private static readonly string[] Required =
        { "Program", "Hook", "PacketSize", "PacketsPerSecond", "BitsPerSecond" };

    public static HookRate From(PSObject row)
    {
        if (row.BaseObject is HookThroughput measured)
            return HookRate.From(measured);
        string[] missing = Required.Where(n => Value(row, n) is null).ToArray();
        if (missing.Length > 0)
            throw new BpfException(ErrorId.NotAHookMeasurement,
                $"The row has no {string.Join(", ", missing)}; pipe rows of Measure-HookThroughput or Import-Csv " +
                "of their CSV.", row.ToString(),
                recommendedAction: "Export the rows with their Program, Hook, PacketSize, PacketsPerSecond and " +
                "BitsPerSecond columns.");
        int samples = Number<int?>(row, "Samples") ?? 1;
        double pps = Number<double>(row, "PacketsPerSecond"), bps = Number<double>(row, "BitsPerSecond");
        RateInterval packets = HookRate.Interval(pps, Numbers(row, "SamplePacketsPerSecond"),
            Number<double?>(row, "MinPacketsPerSecond"), Number<double?>(row, "MaxPacketsPerSecond"), samples);
        IReadOnlyList<double>? bitSamples = Numbers(row, "SampleBitsPerSecond");
        // Without per-sample bits (the CSV has min and max packets only) the bit rate moves with the packet rate:
        // one frame size per row, and iperf3's frames are full-sized.
        RateInterval bits = bitSamples is null && pps > 0
            ? new RateInterval(bps * packets.Low / pps, bps, bps * packets.High / pps, samples)
            : HookRate.Interval(bps, bitSamples, null, null, samples);
        return new HookRate
        {
            Program = Value(row, "Program")!.ToString()!,
            Hook = Value(row, "Hook")!.ToString()!,
            Traffic = Number<MeasureTraffic?>(row, "Traffic") ?? MeasureTraffic.LiveFrames,
            PacketSize = Number<int>(row, "PacketSize"),
            Packets = packets,
            Bits = bits,
            Conditions = Conditions(row),
        };
    }

    private static IReadOnlyList<string> Conditions(PSObject row)
    {
        object? value = Value(row, "Conditions");
        if (value is IEnumerable items and not string)
            return items.Cast<object>().Select(i => i.ToString() ?? "").Where(i => i.Length > 0).ToArray();
        return HookRate.SplitNote((value ?? Value(row, "Note"))?.ToString());
    }

    private static object? Value(PSObject row, string name)
    {
        object? v = row.Properties[name]?.Value;
        v = v is PSObject p ? p.BaseObject : v;
        return v is string s && s.Length == 0 ? null : v;
    }

    /// <summary>A cell as T (a number, or the traffic's name); a cell that is not one refuses the row.</summary>
    private static T Number<T>(PSObject row, string name)
    {
        object? v = Value(row, name);
        if (v is null)
            return default!;
        try
        {
            return LanguagePrimitives.ConvertTo<T>(v);
        }
        catch (PSInvalidCastException)
        {
            throw new BpfException(ErrorId.NotAHookMeasurement,
                $"{name} '{v}' is not a {(typeof(T) == typeof(MeasureTraffic?) ? "traffic" : "number")}.",
                v.ToString());
        }
    }

    /// <summary>A list of numbers from a list, or from one cell of a CSV ("1 2 3", "1;2;3" or "1,2,3").</summary>
    private static IReadOnlyList<double>? Numbers(PSObject row, string name)
    {
        object? v = Value(row, name);
        IEnumerable<object>? items = v switch
        {
            null => null,
            string s => s.Split(new[] { ' ', ';', ',' }, StringSplitOptions.RemoveEmptyEntries),
            IEnumerable e => e.Cast<object>(),
            _ => new[] { v },
        };
        if (items is null)
            return null;
        var numbers = new List<double>();
        foreach (object item in items)
        {
            if (!LanguagePrimitives.TryConvertTo(item, System.Globalization.CultureInfo.InvariantCulture,
                    out double d))
                return null;
            numbers.Add(d);
        }
        return numbers.Count == 0 ? null : numbers;
    }
}
