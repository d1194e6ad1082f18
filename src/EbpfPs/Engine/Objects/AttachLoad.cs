using System;
using System.Collections.Generic;

namespace EbpfPs.Engine.Objects;

/// <summary>
/// A load for an attach command, which shares maps with what runs already: the programs it replaces (-Force) give
/// their maps to the new build, a program of the same file this session attached at the other hook gives its maps
/// to the object's other program, and a program pin under -PinPath that is taken is moved to the new program once
/// it runs instead of being refused (AttachableProgram.TakeOverPin).
/// </summary>
public sealed record AttachLoad(IReadOnlyCollection<uint> Replacing)
{
    /// <summary>An attach that replaces nothing.</summary>
    public static AttachLoad Fresh { get; } = new(Array.Empty<uint>());
}
