using System;
using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Lets a -Name of test networks take the networks themselves, as `Remove-Item $file` takes a file:
/// `Remove-BpfTestNetwork $net` would otherwise bind the object's display text as a name and fail.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TestNetworkNameTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject p ? p.BaseObject : inputData;
        if (value is BpfTestNetwork one)
            return one.Name;
        if (value is string || value is not IEnumerable items)
            return inputData;
        var names = new List<object?>();
        foreach (object? item in items)
            names.Add((item is PSObject w ? w.BaseObject : item) is BpfTestNetwork n ? n.Name : item);
        return names.ToArray();
    }
}
