namespace EbpfPs.Engine.Errors;

/// <summary>Ids of loads that take their maps from programs already in the kernel.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.InvalidData, "A map a load would share with a program already in the kernel has another " +
        "type, key size, value size or max_entries than the object defines.")]
    public const string SharedMapMismatch = nameof(SharedMapMismatch);
}
