namespace EbpfPs.Engine.Errors;

/// <summary>Ids of values a script passes that no map or object could take.</summary>
public static partial class ErrorId
{
    [Error(BpfErrorKind.LimitsExceeded,
        "A key, value or variable nests hashtables, objects and lists more than 64 deep, far deeper than any map's " +
        "key or value type; a hashtable that holds itself is infinitely deep. Nothing was changed.")]
    public const string ValueTooDeep = nameof(ValueTooDeep);
}
