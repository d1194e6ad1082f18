using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace EbpfPs.Engine.Maps;

/// <summary>
/// Runs a sequence on a second thread a few items ahead of its consumer. Reading a large map is two
/// costs of about the same size, the syscalls plus decoding, and whatever the caller does per entry
/// (PowerShell's pipeline); on two cores they overlap instead of adding up.
/// </summary>
internal static class ReadAhead
{
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int depth, string threadName)
    {
        using var queue = new BlockingCollection<T>(depth);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var worker = new Thread(() =>
        {
            try
            {
                foreach (T item in source)
                    queue.Add(item, stop.Token);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer left early (Select-Object -First, Ctrl+C): nothing is owed to anyone.
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        { IsBackground = true, Name = threadName };
        worker.Start();
        try
        {
            foreach (T item in queue.GetConsumingEnumerable())
                yield return item;
        }
        finally
        {
            // The source may hold an fd its owner closes right after this; it must be finished with first.
            stop.Cancel();
            worker.Join();
        }
        if (failure is not null)
            ExceptionDispatchInfo.Capture(failure).Throw();
    }
}
