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
            int or long or double or float or decimal => TimeSpan.FromSeconds(Convert.ToDouble(value)),
            string s when double.TryParse(s, System.Globalization.NumberStyles.Float,
                System.Globalization.CultureInfo.InvariantCulture, out double seconds)
                => TimeSpan.FromSeconds(seconds),
            _ => inputData,
        };
    }
}
