using System;
using System.Collections.Generic;
using System.IO;
using EbpfPs.Engine.Pinning;
using EbpfPs.Interop;

namespace EbpfPs.Engine.Inventory;

/// <summary>What is pinned where on bpffs: each pin's kind, id and, for links, the program they hold.</summary>
public static class PinnedObjects
{
    /// <summary>
    /// One pin: a program, map or link with its id; ProgramId is the program of a link (or the program).
    /// </summary>
    internal sealed record Pin(string Path, Libbpf.ObjectKind Kind, uint Id, uint ProgramId);

    /// <summary>
    /// The kind of object an fd from bpf_obj_get holds (what /proc/self/fd names it), or null for none.
    /// </summary>
    internal static Libbpf.ObjectKind? KindOf(SafeFdHandle fd) =>
        BpfSystem.Current.ObjectKindOf(fd) is { Ok: true } kind ? kind.Value : null;

    /// <summary>
    /// Every pin under the root (the default bpffs mount), opened one at a time; entries that are not BPF
    /// objects or cannot be opened are passed over.
    /// </summary>
    internal static IEnumerable<Pin> Walk(string root = BpfFs.DefaultRoot)
    {
        if (!Directory.Exists(root))
            yield break;
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint,
        };
        foreach (string path in Directory.EnumerateFiles(root, "*", options))
        {
            Result<SafeFdHandle> opened = BpfSystem.Current.OpenPinned(path);
            if (!opened.Ok)
                continue;
            using SafeFdHandle fd = opened.Value;
            Pin? pin = KindOf(fd) switch
            {
                Libbpf.ObjectKind.Program when BpfSystem.Current.ProgramInfo(fd) is { Ok: true } p =>
                    new Pin(path, Libbpf.ObjectKind.Program, p.Value.Id, p.Value.Id),
                Libbpf.ObjectKind.Map when BpfSystem.Current.MapInfo(fd) is { Ok: true } m =>
                    new Pin(path, Libbpf.ObjectKind.Map, m.Value.Id, 0),
                Libbpf.ObjectKind.Link when BpfSystem.Current.LinkInfo(fd) is { Ok: true } l =>
                    new Pin(path, Libbpf.ObjectKind.Link, l.Value.Id, l.Value.ProgId),
                _ => null,
            };
            if (pin is not null)
                yield return pin;
        }
    }
}
