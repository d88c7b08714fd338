// The one place that knows whether the database can be trusted with writes right now. The telemetry writer, the EF
// Core guard and the storage watcher report into it; the writer, the guard and /health/ready read it. While it is
// faulted nothing is reported as stored: a commit into a database file deleted under the server lands on an unlinked
// inode and is gone at the next start, so an acknowledgement would be a lie.
using Microsoft.Extensions.Logging;
using Thingyard.Common;

namespace Thingyard.Storage;

public sealed record StorageFault(string Problem, DateTimeOffset Since);

/// <summary>Refused because storage is faulted; the message says why. An <see cref="IotException"/>, so the RPC and
/// REST APIs answer it as an error in their usual shapes.</summary>
public sealed class StorageUnavailableException(string problem)
    : IotException(IotErrors.SystemException, $"Storage is unavailable: {problem.TrimEnd('.')}. Nothing was stored.")
{
    public string Problem { get; } = problem;
}

public sealed class StorageHealth(ILogger<StorageHealth> log, TimeProvider time)
{
    StorageFault? _fault;
    long _commits;
    bool _watching;

    /// <summary>The fault in effect, or null while storage is healthy.</summary>
    public StorageFault? Current => Volatile.Read(ref _fault);

    /// <summary>Telemetry batches committed since start (a commit proves the database takes writes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public void Committed() => Interlocked.Increment(ref _commits);

    public void ThrowIfFaulted()
    {
        if (Current is { } fault) throw new StorageUnavailableException(fault.Problem);
    }

    /// <summary>From now on failures are faults. Before (while the schema is migrated) a failing database fails the
    /// start itself, and EF Core's expected failures (asking whether a PostgreSQL database exists) are no faults.</summary>
    public void Watch() => Volatile.Write(ref _watching, true);

    /// <summary>Marks storage faulted. The first problem is kept (and logged) until it recovers: it is the cause,
    /// later failures are mostly its consequences.</summary>
    public void Faulted(string problem, Exception? cause = null)
    {
        if (!Volatile.Read(ref _watching)) return;
        if (Interlocked.CompareExchange(ref _fault, new StorageFault(problem, time.GetUtcNow()), null) is not null) return;
        log.LogError(cause, "Storage fault: {Problem}. Nothing is acknowledged as stored (no PUBACK for QoS 1, API writes fail) and /health/ready answers 503 until it recovers", problem);
    }

    /// <summary>Clears the fault a passing check started under (<paramref name="seen"/>); a fault raised while the check
    /// ran stays. True when this ended a fault.</summary>
    public bool Recovered(StorageFault? seen)
    {
        if (seen is null || Interlocked.CompareExchange(ref _fault, null, seen) != seen) return false;
        log.LogWarning("Storage recovered after {Seconds:0.#} s ({Problem}); writes are accepted again", (time.GetUtcNow() - seen.Since).TotalSeconds, seen.Problem);
        return true;
    }
}
