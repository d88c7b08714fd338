// The ingestion path: producers (MQTT handlers) write entries into a bounded channel; one writer drains it in
// batches, one transaction per batch, and then completes the entries' Durable signals. While storage is faulted
// (StorageHealth) nothing is written and every entry fails, so no QoS 1 publish is acknowledged as stored.
using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Thingyard.Storage;
using Thingyard.Subscriptions;

namespace Thingyard.Telemetry;

public sealed class TelemetryPipeline(IDbContextFactory<ThingyardDb> dbs, WalCheckpointer checkpointer, StorageHealth health,
    SqliteDatabaseFile file, ILogger<TelemetryPipeline> log)
{
    public const int Capacity = 200_000;
    public const int MaxBatch = 5_000;
    /// <summary>Accepted backlog segments deleted per transaction, and how many may wait before the writer deletes them
    /// even with telemetry waiting.</summary>
    public const int DeletesPerTransaction = 5_000;
    public const int MaxWaitingDeletes = 50_000;

    readonly Channel<TelemetryEntry> _channel = Channel.CreateBounded<TelemetryEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    long _written, _batches, _failed;
    // Backlog segments whose messages were all accepted, not deleted yet. No device's acknowledgement depends on them, so
    // they wait for a moment the writer has nothing else to do, and then go in one statement: in the telemetry batches
    // they lengthened every commit that devices wait for. They come in through a queue of their own (Accept), not a
    // channel entry each.
    readonly List<(long Group, long Seq)> _accepted = [];
    readonly ConcurrentQueue<(long Group, long Seq)> _acceptedIn = new();
    // 1 while a wake-up entry for the accepted messages is in the channel (or the writer is about to take them).
    int _acceptWake;

    public long Written => Interlocked.Read(ref _written);
    public long Batches => Interlocked.Read(ref _batches);
    public long Failed => Interlocked.Read(ref _failed);
    /// <summary>Called on the writer's task after each commit with the backlog messages it stored (consumer groups
    /// deliver them from there); must be quick and must not throw.</summary>
    public Action<List<BacklogMessage>>? BacklogStored { get; set; }
    /// <summary>Called on the writer's task with the accepted backlog segments (group, seq) it has deleted.</summary>
    public Action<List<(long Group, long Seq)>>? BacklogDeleted { get; set; }

    /// <summary>Entries accepted and not yet written.</summary>
    public int Queued => _channel.Reader.Count;

    /// <summary>Queues an entry; waits (back-pressure onto the device's connection) only when the channel is full.</summary>
    public ValueTask WriteAsync(TelemetryEntry entry, CancellationToken ct = default) =>
        _channel.Writer.TryWrite(entry) ? ValueTask.CompletedTask : _channel.Writer.WriteAsync(entry, ct);

    /// <summary>Clients accepted every message of a backlog segment: deleted in a later transaction (see _accepted).
    /// Wakes an idle writer with one channel entry for the whole run; a full channel means the writer is busy and will
    /// look anyway.</summary>
    public void Accept(long groupId, long seq)
    {
        _acceptedIn.Enqueue((groupId, seq));
        if (Interlocked.CompareExchange(ref _acceptWake, 1, 0) == 0) _channel.Writer.TryWrite(TelemetryEntry.Accepted);
    }

    /// <summary>Queues entries and returns a task that completes once all of them are committed.</summary>
    public async Task WriteDurableAsync(IReadOnlyList<TelemetryEntry> entries, CancellationToken ct = default)
    {
        if (entries.Count == 0) return;
        // At once, rather than after queueing behind a writer that will fail them.
        health.ThrowIfFaulted();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        entries[^1].Durable = done;
        foreach (var e in entries) await WriteAsync(e, ct);
        await done.Task.WaitAsync(ct);
    }

    /// <summary>Runs until the token fires, then drains what is queued so nothing accepted is lost on a clean stop.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        var batch = new List<TelemetryEntry>(MaxBatch);
        await using var writer = new TelemetryWriter(dbs, checkpointer, file);
        try
        {
            while (await _channel.Reader.WaitToReadAsync(stopping))
                await DrainAsync(writer, batch);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        _channel.Writer.TryComplete();
        await DrainAsync(writer, batch);
    }

    async Task WriteOneAsync(TelemetryWriter writer, TelemetryEntry e)
    {
        if (health.Current is { } fault)
        {
            Fail([e], fault.Problem);
            return;
        }
        try
        {
            await writer.WriteAsync([e]);
            Interlocked.Increment(ref _written);
            health.Committed();
            e.Durable?.TrySetResult();
            if (e.Kind == TelemetryKind.Forward) BacklogStored?.Invoke([e.Message!]);
        }
        catch (Exception ex) when (StorageFailures.Describe(ex, "a telemetry write failed") is { } problem)
        {
            health.Faulted(problem, ex);
            Fail([e], problem);
            await writer.ResetAsync();
        }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _failed);
            log.LogError(ex, "Dropped telemetry {Kind} for device {DeviceId}", e.Kind, e.DeviceId);
            e.Durable?.TrySetException(ex);
            await writer.ResetAsync();
        }
    }

    async Task DrainAsync(TelemetryWriter writer, List<TelemetryEntry> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var e))
                if (e.Kind != TelemetryKind.Accepted) batch.Add(e);
            // Cleared before the queue is emptied: an accept enqueued after this either is taken now or wakes us again.
            Volatile.Write(ref _acceptWake, 0);
            while (_acceptedIn.TryDequeue(out var a)) _accepted.Add(a);
            if (batch.Count == 0)
            {
                // Nothing else to write: the accepted messages' turn.
                if (_accepted.Count == 0 || health.Current is not null || !await DeleteAcceptedAsync(writer)) return;
                continue;
            }
            if (_accepted.Count >= MaxWaitingDeletes && health.Current is null) await DeleteAcceptedAsync(writer);
            if (health.Current is { } fault)
            {
                Fail(batch, fault.Problem);
                // Its connection may not survive the fault (a PostgreSQL restart ends it); the first batch after
                // recovery opens a new one instead of failing on the old one.
                await writer.ResetAsync();
                continue;
            }
            try
            {
                await writer.WriteAsync(batch);
                Interlocked.Add(ref _written, batch.Count);
                Interlocked.Increment(ref _batches);
                health.Committed();
                foreach (var e in batch) e.Durable?.TrySetResult();
                NotifyBacklog(batch);
            }
            catch (Exception ex) when (StorageFailures.Describe(ex, "a telemetry write failed") is { } problem)
            {
                // The database is failing, not an entry: retrying them one by one would only fail again.
                health.Faulted(problem, ex);
                Fail(batch, problem);
                await writer.ResetAsync();
            }
            catch (Exception ex)
            {
                // One bad entry (say, for a device deleted meanwhile) must not take the rest of the batch with it.
                log.LogWarning(ex, "Telemetry batch of {Count} entries failed; retrying one by one", batch.Count);
                await writer.ResetAsync();
                foreach (var e in batch) await WriteOneAsync(writer, e);
            }
        }
    }

    /// <summary>Deletes the oldest waiting accepted segments in one transaction; on failure they stay for the next try
    /// (until then a restart would deliver them once more, which at least once allows).</summary>
    async Task<bool> DeleteAcceptedAsync(TelemetryWriter writer)
    {
        var n = Math.Min(_accepted.Count, DeletesPerTransaction);
        var ids = new long[n];
        for (var i = 0; i < n; i++) ids[i] = _accepted[i].Seq;
        try
        {
            await writer.DeleteAcceptedAsync(ids);
        }
        catch (Exception ex)
        {
            log.LogWarning(ex, "Deleting {Count} accepted backlog segment(s) failed; trying again later", n);
            await writer.ResetAsync();
            return false;
        }
        var deleted = _accepted.GetRange(0, n);
        _accepted.RemoveRange(0, n);
        BacklogDeleted?.Invoke(deleted);
        return true;
    }

    void NotifyBacklog(List<TelemetryEntry> batch)
    {
        if (BacklogStored is not { } notify) return;
        List<BacklogMessage>? stored = null;
        foreach (var e in batch)
            if (e.Kind == TelemetryKind.Forward) (stored ??= []).Add(e.Message!);
        if (stored is not null) notify(stored);
    }

    /// <summary>Entries that are not stored: counted, and whoever waits for them (a QoS 1 PUBACK) gets the error.</summary>
    void Fail(IEnumerable<TelemetryEntry> entries, string problem)
    {
        var error = new StorageUnavailableException(problem);
        foreach (var e in entries)
        {
            Interlocked.Increment(ref _failed);
            e.Durable?.TrySetException(error);
        }
    }
}
