using System;
using System.Collections.Generic;
using EbpfPs.Engine.Host;
using EbpfPs.Engine.Pinning;

namespace EbpfPs.Engine.Attach;

/// <summary>
/// The private pins of built-in programs go with their programs: a sweep collects the programs detached over a
/// command's whole pipeline and, when disposed, removes the folders of those that are gone, giving each up to
/// Poll.DetachSettle to go (the kernel frees a program after an RCU grace period). A program still attached
/// elsewhere keeps its folder.
/// </summary>
public sealed class PinSweep : IDisposable
{
    private readonly HashSet<uint> _programs = new();
    private bool _always;

    /// <summary>A program detached by this command.</summary>
    public void Add(uint programId) => _programs.Add(programId);

    /// <summary>Sweeps on dispose even when nothing was detached (a built-in loaded, then attached nowhere).</summary>
    public void Always() => _always = true;

    /// <summary>Sweeps quietly: what cannot go now, a later sweep removes.</summary>
    public void Dispose()
    {
        if (_programs.Count == 0 && !_always)
            return;
        PrivatePins.SweepQuietly(_programs, _programs.Count == 0 ? TimeSpan.Zero : Poll.DetachSettle);
        _programs.Clear();
        _always = false;
    }
}
