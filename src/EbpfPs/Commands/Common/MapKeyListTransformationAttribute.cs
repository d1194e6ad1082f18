using System;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// -Key of Get-BpfMapEntry and Remove-BpfMapEntry takes several keys (and -Value of Push- and Test-BpfMapEntry
/// several values), but a byte array is one key or value in the kernel's layout: without this, the binder would turn
/// ([byte[]](198,18,0,2)) into four one-byte keys. Arrays of anything else stay a list.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MapKeyListTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject p ? p.BaseObject : inputData) is byte[] bytes ? new object[] { bytes } : inputData;
}
