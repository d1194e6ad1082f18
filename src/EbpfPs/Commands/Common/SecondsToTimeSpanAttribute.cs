using System;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>Lets a TimeSpan parameter take plain seconds (-Duration 0.5) as well as a TimeSpan or "00:00:02".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject p ? p.BaseObject : inputData;
        return value switch
        {
            int or long or double or float or decimal => Seconds(Convert.ToDouble(value)),
            string s when double.TryParse(s, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double seconds)
                => Seconds(seconds),
            _ => inputData,
        };
    }

    private static TimeSpan Seconds(double seconds) =>
        double.IsFinite(seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentTransformationMetadataException(
                $"{seconds} seconds is not a time span this can wait (at most {TimeSpan.MaxValue.TotalSeconds:E2}).");
}
