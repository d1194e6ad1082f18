using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace EbpfPs.Engine.Errors;

/// <summary>Describes an ErrorId constant: the kind of failure and what it means.</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class ErrorAttribute : Attribute
{
    public ErrorAttribute(BpfErrorKind kind, string meaning)
    {
        Kind = kind;
        Meaning = meaning;
    }

    public BpfErrorKind Kind { get; }
    public string Meaning { get; }
    /// <summary>The id names an operation; the category of one failure follows the errno the kernel gave.</summary>
    public bool FollowsErrno { get; init; }
}

/// <summary>One catalogued ErrorId.</summary>
public sealed record ErrorInfo(string Id, BpfErrorKind Kind, string Meaning, bool FollowsErrno);

/// <summary>The ErrorId catalog as data, for BpfException, help and the module's meta-test.</summary>
public static class ErrorCatalog
{
    private static readonly Lazy<IReadOnlyDictionary<string, ErrorInfo>> ById = new(() =>
        typeof(ErrorId).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (Id: (string)f.GetRawConstantValue()!, Attribute: f.GetCustomAttribute<ErrorAttribute>()
                ?? throw new InvalidOperationException($"ErrorId.{f.Name} has no [Error] attribute.")))
            .ToDictionary(e => e.Id, e => new ErrorInfo(e.Id, e.Attribute.Kind, e.Attribute.Meaning,
                e.Attribute.FollowsErrno),
                StringComparer.Ordinal));

    public static IReadOnlyCollection<ErrorInfo> Entries => ById.Value.Values.ToArray();

    /// <summary>The entry for an id; an id missing from the catalog is a bug in the module, so this throws.</summary>
    public static ErrorInfo Get(string id) =>
        ById.Value.TryGetValue(id, out ErrorInfo? info) ? info
            : throw new InvalidOperationException($"ErrorId '{id}' is not catalogued.");
}
