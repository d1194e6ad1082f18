using EbpfPs.Engine.Attach;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Objects;

namespace EbpfPs.Engine.State;

/// <summary>
/// Puts the entry's program in place of another TC filter on the hook (the same program on maps apart from its
/// object's others): the new filter first, so the hook never runs without the program, then the old one goes.
/// Undo attaches the old program again and removes the new filter.
/// </summary>
internal sealed class TcReplaceStep : StateStep
{
    private readonly StateProgram _entry;
    private readonly NetInterface _interface;
    private readonly TcAttachment _before;
    private AttachableProgram? _previous;
    private IHookAttachment? _done;
    private bool _removed;

    internal TcReplaceStep(BpfStateDifference difference, StateProgram entry, NetInterface iface,
        TcAttachment before) : base(difference, 2)
    {
        _entry = entry;
        _interface = iface;
        _before = before;
    }

    internal override void Apply(StateSession session)
    {
        AttachableProgram program = session.Instance(_entry);
        // Held, so undo can attach it again once the filter that was all that held it is gone.
        _previous = AttachableProgram.FromId(_before.ProgramId);
        _done = Attachments.Attach(program, _entry.Point, new[] { _interface }, force: false)[0];
        Attachments.Detach(_before);
        _removed = true;
    }

    internal override void Undo()
    {
        // Best effort each, like every rollback: the old program back first, then the new filter out.
        try
        {
            if (_removed && _previous is not null)
                Attachments.Attach(_previous, _entry.Point, new[] { _interface }, force: false);
        }
        catch (BpfException)
        {
        }
        try
        {
            if (_done is not null)
                Attachments.Detach(_done);
        }
        catch (BpfException)
        {
        }
    }

    internal override void Release() => _previous?.Dispose();
}
