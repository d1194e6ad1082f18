using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Maps;
using EbpfPs.Engine.Objects;
using EbpfPs.Interop;

namespace EbpfPs.Engine.State;

/// <summary>
/// One change Set-BpfState can make and take back. Steps run in phases, pins, then map entries, then
/// attachments, so a program's configuration is in place before its first packet.
/// </summary>
internal abstract class StateStep
{
    protected StateStep(BpfStateDifference difference, int phase)
    {
        Difference = difference;
        Phase = phase;
    }

    internal BpfStateDifference Difference { get; }
    /// <summary>What the step changes: its one difference, or those of the steps merged into it.</summary>
    internal virtual IEnumerable<BpfStateDifference> Differences => new[] { Difference };
    internal int Phase { get; }
    internal abstract void Apply(StateSession session);
    /// <summary>Best effort, like every rollback: the failure that caused it is what the caller reports.</summary>
    internal abstract void Undo();
    internal virtual void Release() { }

    public override string ToString() => $"{Difference.Action} {Difference.Target} ({Difference.Source})";
}

/// <summary>
/// Attaches the entry's program to one interface; undo puts back what was there (or nothing). With before, it replaces
/// that program in place: XDP has one program per interface, and at TC an older build of the same program is upgraded
/// where it sits (its filter's priority and handle, or its tcx link), so no packet meets an empty hook.
/// </summary>
internal sealed class AttachStep : StateStep
{
    private readonly StateProgram _entry;
    private readonly NetInterface _interface;
    private readonly IHookAttachment? _before;
    private AttachableProgram? _previous;
    private IHookAttachment? _done;

    internal AttachStep(BpfStateDifference difference, StateProgram entry, NetInterface iface, IHookAttachment? before)
        : base(difference, 2)
    {
        _entry = entry;
        _interface = iface;
        _before = before;
    }

    internal StateProgram Entry => _entry;
    internal NetInterface Interface => _interface;
    /// <summary>True when it replaces a program in place (undo puts that one back), not a new attachment.</summary>
    internal bool Replaces => _before is not null;

    internal override void Apply(StateSession session)
    {
        AttachableProgram program = session.Instance(_entry);
        // Hold the program being replaced, so undo can put it back even if the attachment was all that held it.
        if (_before is not null)
            _previous = TryOpen(_before.ProgramId);
        // TC hooks take several programs: only a replacement asks for -Force semantics there.
        bool force = _entry.IsXdp || _before is not null;
        _done = Attachments.Attach(program, _entry.Point, new[] { _interface }, force)[0];
    }

    internal override void Undo()
    {
        try
        {
            if (_before is XdpAttachment x && _previous is not null)
                Attachments.Attach(_previous, new XdpHookPoint(x.Mode), new[] { _interface }, force: true);
            else if (_before is TcAttachment && _previous is not null)
                // Same name, so the in-place upgrade finds the new build where the old one was and swaps it back.
                Attachments.Attach(_previous, _entry.Point, new[] { _interface }, force: true);
            else if (_done is not null)
                Attachments.Detach(_done);
        }
        catch (BpfException)
        {
        }
    }

    internal override void Release() => _previous?.Dispose();

    private static AttachableProgram? TryOpen(uint id)
    {
        try { return AttachableProgram.FromId(id); }
        catch (BpfException) { return null; }
    }
}

/// <summary>Pins a map the state's program uses where the state wants it; undo unpins it.</summary>
internal sealed class PinStep : StateStep
{
    private readonly StateMap _map;
    private readonly StateProgram _provider;
    private bool _pinned;

    internal PinStep(BpfStateDifference difference, StateMap map, StateProgram provider) : base(difference, 0)
    {
        _map = map;
        _provider = provider;
    }

    internal override void Apply(StateSession session)
    {
        string path = _map.Path!;
        if (session.NeedsLoad(_provider))
            session.Loaded(_provider); // the load pins its maps by name; rolled back with the session's pins
        if (File.Exists(path))
            return;
        using BpfMap map = session.Map(_provider, Path.GetFileName(path))
            ?? throw new BpfException(ErrorId.StateMapNotFound,
                $"{_map.NameSource}: program entry '{_provider.Name}' has no map named '{Path.GetFileName(path)}' " +
                "to pin.", path);
        BpfSystem.Current.Pin(map.Fd, path).OrThrow("pin map at", path);
        _pinned = true;
    }

    internal override void Undo()
    {
        if (_pinned && File.Exists(_map.Path))
            File.Delete(_map.Path!);
    }
}

/// <summary>Writes one map entry; undo writes back the bytes it had, or deletes a key that was not there.</summary>
internal sealed class EntryStep : StateStep
{
    private readonly StateMap _map;
    private readonly StateMapEntry _entry;
    private readonly StateProgram? _provider;
    private BpfMap? _open;
    private byte[]? _key, _previous;
    private bool _written;

    internal EntryStep(BpfStateDifference difference, StateMap map, StateMapEntry entry, StateProgram? provider)
        : base(difference, 1)
    {
        _map = map;
        _entry = entry;
        _provider = provider;
    }

    internal override void Apply(StateSession session)
    {
        _open = _map.Path is not null ? BpfMap.OpenPinned(_map.Path)
            : session.Map(_provider!, _map.MapName!) ?? (session.NeedsLoad(_provider!)
                ? BpfMap.FromLoaded(session.Loaded(_provider!).GetMap(_map.MapName!))
                : throw new BpfException(ErrorId.StateMapNotFound,
                    $"{_map.NameSource}: the attached program has no map '{_map.MapName}'.", _map.Label));
        (byte[] key, byte[] value) = StatePlanner.Encode(_open, _entry, session.Document);
        _key = key;
        _previous = _open.LookupBytes(key);
        _open.WriteBytes(key, value);
        _written = true;
    }

    internal override void Undo()
    {
        if (!_written || _open is null)
            return;
        try
        {
            if (_previous is null)
                _open.DeleteBytes(_key!);
            else
                _open.WriteBytes(_key!, _previous);
        }
        catch (BpfException)
        {
        }
    }

    internal override void Release() => _open?.Dispose();
}
