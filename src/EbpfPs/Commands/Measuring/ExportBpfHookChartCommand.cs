using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Measuring;

namespace EbpfPs.Commands;

/// <summary>
/// Draws Measure-HookThroughput rows (or Import-Csv of them) as one SVG chart with the ratios against TC.
/// </summary>
[Cmdlet(VerbsData.Export, "BpfHookChart", DefaultParameterSetName = "Path", SupportsShouldProcess = true)]
[OutputType(typeof(System.IO.FileInfo))]
public sealed class ExportBpfHookChartCommand : FileExportCommandBase
{
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = null!;

    /// <summary>The chart's title; by default the kernel and CPU count the rows were measured on.</summary>
    [Parameter]
    public string? Title { get; set; }

    private readonly List<HookRate> _rows = new();
    private string? _kernel;
    private int? _cpus;

    protected override void ProcessRecord()
    {
        foreach (PSObject row in InputObject)
        {
            if (row is null)
                continue;
            _kernel ??= row.Properties["Kernel"]?.Value?.ToString();
            _cpus ??= LanguagePrimitives.TryConvertTo(row.Properties["Cpus"]?.Value, out int c) && c > 0 ? c : null;
            Run(() => _rows.Add(HookRateRows.From(row)), row);
        }
    }

    protected override void EndProcessing()
    {
        string file = TargetFile;
        if (_rows.Count == 0)
            Terminate(new BpfException(ErrorId.NotAHookMeasurement,
                "No measurement rows to draw; nothing was written.", file));
        string title = Title ?? "Throughput by hook" + (string.IsNullOrEmpty(_kernel) ? ""
            : $" ({_kernel}{(_cpus is int n ? $", {n} CPUs" : "")})");
        WriteFile(file, $"Draw {_rows.Count} measurements as SVG", f => HookChart.Write(f, _rows, title));
    }
}
