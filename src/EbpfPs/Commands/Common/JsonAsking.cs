using System;
using System.Diagnostics;

namespace EbpfPs.Commands;

/// <summary>
/// Whether ConvertTo-Json is the one listing an object's properties. Export-Csv and ConvertTo-Json list the same
/// adapted properties and PowerShell tells an adapter nothing about who asks, so an adapter whose flat columns are
/// meant for CSV only (map entries: Key.src, Value.packets) looks at its callers: ConvertTo-Json walks objects in
/// PowerShell's JsonObject class. Only property listings pay for the look (once per object for JSON and
/// Format-List, once per run for Export-Csv); reading a property by name never does.
/// </summary>
internal static class JsonAsking
{
    private const string Commands = "Microsoft.PowerShell.Commands.";
    // The writer's frame is 7 below the adapter in PowerShell 7.6; only the frames that near are resolved. Taking
    // the trace still costs some 0.3 ms in a deep pipeline, paid by listings only.
    private const int Nearby = 16;

    public static bool Now()
    {
        // JsonObject today; a name with Json in PowerShell's commands namespace covers a rewritten writer too.
        var trace = new StackTrace(2, false);
        for (int i = 0; i < Math.Min(trace.FrameCount, Nearby); i++)
            if (trace.GetFrame(i)?.GetMethod()?.DeclaringType?.FullName is { } type
                && type.StartsWith(Commands, StringComparison.Ordinal)
                && type.Contains("Json", StringComparison.Ordinal))
                return true;
        return false;
    }
}
