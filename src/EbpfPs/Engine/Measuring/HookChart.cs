using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security;
using System.Text;
using EbpfPs.Engine.Packets;

namespace EbpfPs.Engine.Measuring;

/// <summary>
/// Draws hook measurements as one self-contained SVG (no scripts, no fonts to fetch, so any browser opens it):
/// per program and traffic a column with a Mpps panel above a Gbit/s panel, a group of bars per packet size, a
/// bar per hook with a min-max whisker over the samples, the ratios against TC under each column and the
/// conditions under the title. Each measured row is one &lt;g class="row"&gt; holding its two bars, so a reader
/// (or a test) finds a row's bars together.
/// </summary>
public static class HookChart
{
    private const int PanelW = 460, PanelH = 220, Left = 80, Gap = 80, LineH = 15;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly Dictionary<string, string> Colors = new()
    {
        ["XdpNative"] = "#1b9e77", ["XdpGeneric"] = "#d95f02", ["TcIngress"] = "#7570b3", ["Tcx"] = "#e7298a",
        ["Stack"] = "#888888",
    };

    public static void Write(string path, IReadOnlyList<HookRate> rows, string title)
    {
        string svg = Render(rows, title);
        using FileStream file = Pcap.Create(path);
        using var writer = new StreamWriter(file, new UTF8Encoding(false));
        writer.Write(svg);
    }

    public static string Render(IReadOnlyList<HookRate> rows, string title)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Select(r => (r.Program, r.Traffic)).Distinct().ToList();
        var hooks = rows.Select(r => r.Hook).Distinct().ToList();
        var conditions = rows.SelectMany(r => r.Conditions).Distinct().ToList();
        IReadOnlyList<HookRatio> ratios = HookComparison.Ratios(rows);
        int ratioLines = columns.Count == 0 ? 0 : columns.Max(c => ratios.Count(x => Same(x, c)));
        int top = 70 + conditions.Count * LineH + 30;
        int width = Left + Math.Max(1, columns.Count) * (PanelW + Gap);
        int height = top + 2 * (PanelH + 60) + 20 + (ratioLines + 1) * LineH + 20;

        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' ")
            .AppendLine("font-family='sans-serif' font-size='12'>");
        sb.AppendLine("<rect width='100%' height='100%' fill='white'/>");
        sb.Append(Inv, $"<text x='{Left}' y='24' font-size='16' font-weight='bold'>{Esc(title)}</text>\n");
        int legendX = Left;
        foreach (string h in hooks)
        {
            string label = h == "Stack" ? "Stack (no program)" : h;
            sb.Append(Inv, $"<rect x='{legendX}' y='34' width='12' height='12' fill='{Color(h)}'/>")
                .Append(Inv, $"<text x='{legendX + 16}' y='45'>{Esc(label)}</text>\n");
            legendX += 150;
        }
        // The conditions once, under the title, instead of a long note on every bar.
        for (int i = 0; i < conditions.Count; i++)
            sb.Append(Inv, $"<text class='condition' x='{Left}' y='{70 + i * LineH}' font-size='11' fill='#444'>")
                .Append(Esc(conditions[i])).AppendLine("</text>");

        var scales = new Dictionary<(string, MeasureTraffic, bool), double>();
        for (int c = 0; c < columns.Count; c++)
        {
            var (program, traffic) = columns[c];
            var own = rows.Where(r => r.Program == program && r.Traffic == traffic).ToList();
            double x0 = Left + c * (PanelW + Gap);
            string name = traffic == MeasureTraffic.LiveFrames ? $"{program} (live frames)"
                : $"{program} ({traffic.ToString().ToUpperInvariant()}, iperf3)";
            sb.Append(Inv, $"<text x='{x0 + PanelW / 2.0}' y='{top - 12}' text-anchor='middle' font-weight='bold'>")
                .Append(Esc(name)).AppendLine("</text>");
            for (int p = 0; p < 2; p++)
            {
                bool packets = p == 0;
                double max = own.Select(r => (packets ? r.Packets : r.Bits).High / (packets ? 1e6 : 1e9))
                    .DefaultIfEmpty(0).Max();
                double scaleTop = Axis(sb, x0, top + p * (PanelH + 60), max, packets ? "Mpps" : "Gbit/s");
                scales[(program, traffic, packets)] = scaleTop;
            }
            DrawRows(sb, own, hooks, x0, top, scales[(program, traffic, true)], scales[(program, traffic, false)],
                traffic);
            double ry = top + 2 * (PanelH + 60) + 10;
            sb.Append(Inv, $"<text x='{x0}' y='{ry}' font-weight='bold'>Against TC (min-max intervals)</text>\n");
            foreach (HookRatio ratio in ratios.Where(x => Same(x, columns[c])))
            {
                ry += LineH;
                sb.Append(Inv, $"<text class='ratio' x='{x0}' y='{ry}'>")
                    .Append(Esc($"{ratio.PacketSize} B: {ratio}")).AppendLine("</text>");
            }
        }
        sb.AppendLine("</svg>");
        return sb.ToString();
    }

    private static bool Same(HookRatio r, (string Program, MeasureTraffic Traffic) c) =>
        r.Program == c.Program && r.Traffic == c.Traffic;

    /// <summary>Draws a panel's axes and grid; returns the value at the top of the panel.</summary>
    private static double Axis(StringBuilder sb, double x0, double y, double max, string unit)
    {
        if (!(max > 0))
            max = 1;
        double step = NiceStep(max);
        double topValue = Math.Ceiling(max / step) * step;
        double y0 = y + PanelH;
        sb.Append(Inv, $"<text x='{x0 - 55}' y='{y + PanelH / 2.0}' ")
            .Append(Inv, $"transform='rotate(-90 {x0 - 55} {y + PanelH / 2.0})' text-anchor='middle'>{unit}</text>\n");
        for (double v = 0; v <= topValue + step / 1000; v += step)
        {
            double gy = y0 - PanelH * v / topValue;
            sb.Append(Inv, $"<text x='{x0 - 4}' y='{gy + 4:F1}' text-anchor='end'>{v:G4}</text>")
                .Append(Inv, $"<line x1='{x0}' y1='{gy:F1}' x2='{x0 + PanelW}' y2='{gy:F1}' stroke='#ddd'/>\n");
        }
        sb.Append(Inv, $"<line x1='{x0}' y1='{y}' x2='{x0}' y2='{y0}' stroke='black'/>")
            .Append(Inv, $"<line x1='{x0}' y1='{y0}' x2='{x0 + PanelW}' y2='{y0}' stroke='black'/>\n");
        return topValue;
    }

    /// <summary>A round step (1, 2, 2.5 or 5 times a power of ten) giving about five grid lines up to max.</summary>
    internal static double NiceStep(double max)
    {
        double raw = max / 5;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (double m in new[] { 1, 2, 2.5, 5 })
            if (m * power >= raw)
                return m * power;
        return 10 * power;
    }

    private static void DrawRows(StringBuilder sb, List<HookRate> own, List<string> hooks, double x0, int top,
        double mppsTop, double gbpsTop, MeasureTraffic traffic)
    {
        var sizes = own.Select(r => r.PacketSize).Distinct().OrderBy(s => s).ToList();
        var panelHooks = hooks.Where(h => own.Any(r => r.Hook == h)).ToList();
        double groupW = PanelW / (double)Math.Max(1, sizes.Count);
        double barW = (groupW - 20) / Math.Max(1, panelHooks.Count);
        for (int s = 0; s < sizes.Count; s++)
        {
            double gx = x0 + s * groupW + 10;
            string label = traffic == MeasureTraffic.LiveFrames ? $"{sizes[s]} B" : $"{sizes[s]} B frames";
            for (int p = 0; p < 2; p++)
                sb.Append(Inv, $"<text x='{gx + (groupW - 20) / 2:F1}' y='{top + p * (PanelH + 60) + PanelH + 16}' ")
                    .Append(Inv, $"text-anchor='middle'>{label}</text>\n");
            for (int h = 0; h < panelHooks.Count; h++)
            {
                HookRate? r = own.FirstOrDefault(x => x.PacketSize == sizes[s] && x.Hook == panelHooks[h]);
                if (r is null)
                    continue;
                double bx = gx + h * barW;
                sb.Append(Inv, $"<g class='row' data-program='{Esc(r.Program)}' data-traffic='{r.Traffic}' ")
                    .Append(Inv, $"data-hook='{Esc(r.Hook)}' data-size='{r.PacketSize}'>\n");
                Bar(sb, bx, barW, top, mppsTop, r.Packets, 1e6, "Mpps", r);
                Bar(sb, bx, barW, top + PanelH + 60, gbpsTop, r.Bits, 1e9, "Gbit/s", r);
                sb.AppendLine("</g>");
            }
        }
    }

    private static void Bar(StringBuilder sb, double bx, double barW, double y, double topValue, RateInterval rate,
        double per, string unit, HookRate r)
    {
        double y0 = y + PanelH;
        double v = rate.Median / per, bh = PanelH * v / topValue;
        sb.Append(Inv, $"<rect x='{bx:F1}' y='{y0 - bh:F1}' width='{barW - 2:F1}' height='{bh:F1}' ")
            .Append(Inv, $"fill='{Color(r.Hook)}'><title>{Esc(r.Hook)} {r.PacketSize} B: {v:N3} {unit}")
            .Append(Inv, $" ({rate.Samples} samples)</title></rect>\n");
        if (rate.High <= rate.Low)
            return;
        // The spread of the samples: a whisker from the slowest to the fastest.
        double cx = bx + (barW - 2) / 2, lo = rate.Low / per, hi = rate.High / per;
        double yLo = y0 - PanelH * lo / topValue, yHi = y0 - PanelH * hi / topValue;
        sb.Append(Inv, $"<path class='minmax' d='M{cx:F1},{yLo:F1} V{yHi:F1} M{cx - 4:F1},{yLo:F1} H{cx + 4:F1} ")
            .Append(Inv, $"M{cx - 4:F1},{yHi:F1} H{cx + 4:F1}' stroke='black' fill='none'>")
            .Append(Inv, $"<title>min {lo:N3}, max {hi:N3} {unit}</title></path>\n");
    }

    private static string Color(string hook) => Colors.TryGetValue(hook, out string? c) ? c : "#444444";

    private static string Esc(string s) => SecurityElement.Escape(s) ?? "";
}
