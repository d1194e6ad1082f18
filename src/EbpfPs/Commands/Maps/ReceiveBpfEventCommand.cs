using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Management.Automation;
using System.Threading;
using EbpfPs.Engine.Errors;
using EbpfPs.Engine.Events;

namespace EbpfPs.Commands;

/// <summary>
/// Streams the records BPF programs send through a ring buffer or a perf event array, decoded by a BTF type,
/// as flat objects (one property per field) that Export-Csv writes as they come.
/// </summary>
[Cmdlet(VerbsCommunications.Receive, "BpfEvent", DefaultParameterSetName = InputSet)]
[OutputType("EbpfPs.BpfEvent")]
public sealed class ReceiveBpfEventCommand : MapCommandBase
{
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);
    private readonly ManualResetEventSlim _stop = new();

    /// <summary>The C type of a record (struct event, or a typedef name), looked up in the BTF.</summary>
    [Parameter(Position = 0)]
    [ArgumentCompleter(typeof(EventTypeNameCompleter))]
    public string? TypeName { get; set; }

    /// <summary>Stop after this many records; 0 (the default) reads until -Timeout or Ctrl+C.</summary>
    [Parameter]
    [ValidateRange(0, int.MaxValue)]
    public int Count { get; set; }

    /// <summary>Stop after this long (seconds, or a TimeSpan), with or without records.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get => _timeout ?? TimeSpan.Zero; set => _timeout = value; }

    // Not Nullable<T>, which help would print as Nullable`1: unset is told apart by the field instead.
    private TimeSpan? _timeout;

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        if (_timeout is TimeSpan t && t <= TimeSpan.Zero)
            Terminate(new BpfException(ErrorId.InvalidDuration, "-Timeout must be positive.", Timeout));
    }

    protected override void ProcessRecord()
    {
        Run(() =>
        {
            foreach (BpfEventReader reader in OpenReaders())
                using (reader)
                    Stream(reader);
        });
    }

    private void Stream(BpfEventReader reader)
    {
        var clock = Stopwatch.StartNew();
        int received = 0;
        while (!_stop.IsSet && (Count == 0 || received < Count))
        {
            TimeSpan wait = Slice;
            if (_timeout is TimeSpan limit)
            {
                TimeSpan left = limit - clock.Elapsed;
                if (left <= TimeSpan.Zero) break;
                wait = left < wait ? left : wait;
            }
            foreach (BpfEvent e in reader.Poll(wait, Count == 0 ? int.MaxValue : Count - received))
            {
                WriteObject(EventRows.From(e));
                received++;
            }
            if (reader.TakeLost() is ulong lost and > 0)
                WriteWarning($"{lost} records of map '{reader.Map.Name}' were lost: a perf ring was full.");
        }
        WriteVerbose($"Received {received} records from map '{reader.Map.Name}' in {clock.Elapsed.TotalSeconds:N1} s.");
    }

    private IEnumerable<BpfEventReader> OpenReaders()
    {
        bool net = !NoNetworkFormat;
        switch (ParameterSetName)
        {
            case IdSet:
                yield return BpfEventReader.Open(Id, TypeName, net);
                break;
            case NameSet:
                yield return BpfEventReader.OpenByName(Name, TypeName, net);
                break;
            case PathSet:
            case LiteralPathSet:
                foreach (string path in ResolvePaths(new[] { ParameterSetName == PathSet ? Path : LiteralPath },
                    ParameterSetName == LiteralPathSet))
                    yield return BpfEventReader.OpenPinned(path, TypeName, net);
                break;
            default:
                yield return BpfEventReader.Open(InputObject.Describe(MapName).Id, TypeName, net);
                break;
        }
    }

    protected override void StopProcessing() => _stop.Set();
}
