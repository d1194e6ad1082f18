using System;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text.RegularExpressions;

namespace EbpfPs.Commands;

/// <summary>
/// Lets a TimeSpan parameter take what people type: seconds (4, 0.5), a unit (4s, 500ms, 2m, 1h), hh:mm:ss
/// (00:00:04) or a TimeSpan. Anything else is refused here, never read as something else.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
{
    // Without this, PowerShell turns a number it did not expect into ticks: `4s` is the Int16 literal 4
    // in PowerShell 7, and an Int16 became a TimeSpan of 400 ns.
    private static readonly Regex WithUnit = new(@"^\s*(?<n>[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(?<u>ms|s|m|h)\s*$",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject p ? p.BaseObject : inputData;
        return value switch
        {
            TimeSpan t => t,
            sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal
                => Seconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            BigInteger b => Seconds((double)b),
            string s => Parse(s),
            _ => inputData,
        };
    }

    /// <summary>The forms the help lists, read one way each; the error names them all.</summary>
    internal static TimeSpan Parse(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            return Seconds(seconds);
        Match m = WithUnit.Match(text);
        if (m.Success)
        {
            double n = double.Parse(m.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            return Seconds(m.Groups["u"].Value.ToLowerInvariant() switch
            {
                "ms" => n / 1000,
                "s" => n,
                "m" => n * 60,
                _ => n * 3600,
            });
        }
        // Only the invariant hh:mm:ss forms: a culture's own format could read "4,5" as something else.
        if (text.Contains(':') && TimeSpan.TryParseExact(text.Trim(), "c", CultureInfo.InvariantCulture,
                out TimeSpan span))
            return span;
        throw new ArgumentTransformationMetadataException(
            $"'{text}' is not a duration. Give seconds (4 or 0.5), a number with a unit (4s, 500ms, 2m, 1h), " +
            "hh:mm:ss (00:00:04) or a TimeSpan.");
    }

    private static TimeSpan Seconds(double seconds) =>
        double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentTransformationMetadataException(
                $"{seconds} seconds is not a time span this can wait (at most {TimeSpan.MaxValue.TotalSeconds:E2}).");
}
