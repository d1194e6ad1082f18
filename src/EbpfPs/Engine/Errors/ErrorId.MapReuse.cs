namespace EbpfPs.Engine.Errors;

/// <summary>Ids of loads that take over existing maps (a second hook of one object, an upgrade in place).</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.InvalidData,
        "A map the load would take over (pinned under -PinPath, or the replaced program's) has another type, size or " +
        "BTF layout than the new build's; the message names the map and the first field that differs.")]
    public const string MapLayoutMismatch = nameof(MapLayoutMismatch);
}
