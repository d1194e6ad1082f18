using System;
using System.Management.Automation;

namespace EbpfPs.Commands;

/// <summary>
/// Lets -Network take a test network object or its name. A name is only a name here: the engine reads
/// the network's current state when it uses it, so a missing network is reported as TestNetworkNotFound.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class TestNetworkTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject p ? p.BaseObject : inputData) switch
        {
            BpfTestNetwork n => n,
            string name when name.Length > 0 => BpfTestNetwork.Named(name),
            var other => throw new ArgumentTransformationMetadataException(
                "-Network takes a test network from New-BpfTestNetwork or Get-BpfTestNetwork, or its name, not " +
                $"{other?.GetType().Name ?? "null"}."),
        };
}
