// Refuses a nonce seen before within the timestamp window, so a captured request cannot be replayed: an API call's
// SignatureNonce (per AccessKey) and a federation peer call's nonce (per instance, keyed "peer <id>"). Memory answers
// at once, for fresh nonces too: each one is written to the NonceLedger behind the call (batched, never waited for on
// the request path, which a commit per signed call made 20x slower at p99), and the ledger's unexpired nonces are
// loaded back into memory at start, so a restart does not forget them. What is lost is a kill -9 within the few
// milliseconds between a call and its batch's commit.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Thingyard.Accounts;

public sealed class NonceGuard(TimeProvider time, NonceLedger ledger, ILogger<NonceGuard> log)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    // A timestamp may be up to one window ahead of the clock, so a nonce is remembered for two.
    static readonly long KeepMs = (long)Window.TotalMilliseconds * 2;

    // SHA-256 (hex) of caller and nonce, as the ledger keeps them, to the time it may be forgotten (UTC ms).
    readonly ConcurrentDictionary<string, long> _seen = new();
    long _nextSweep;

    /// <summary>Loads the spent nonces that are still inside the window (call once at start, before serving).</summary>
    public async Task LoadAsync(CancellationToken ct = default)
    {
        var loaded = 0;
        foreach (var (hash, expires) in await ledger.UnexpiredAsync(time.GetUtcNow().ToUnixTimeMilliseconds(), ct))
            if (_seen.TryAdd(hash, expires)) loaded++;
        if (loaded > 0) log.LogInformation("Loaded {Count} spent request nonces still inside the replay window", loaded);
    }

    /// <summary>In a cluster: a nonce is fresh only once the ledger (shared by every node) has it, so a replay sent to
    /// another node at the same moment is refused too; the call waits for the batch's commit.</summary>
    public bool WaitForLedger
    {
        get => _waitForLedger;
        set => ledger.Gathers = !(_waitForLedger = value);
    }
    bool _waitForLedger;

    /// <summary>True the first time (caller, nonce) is offered inside the window, false on a replay.</summary>
    public Task<bool> TryUseAsync(string caller, string nonce, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Sweep(now);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(caller + "\n" + nonce)));
        if (!_seen.TryAdd(hash, now + KeepMs)) return Task.FromResult(false);
        if (WaitForLedger) return ledger.TryRecordAsync(hash, now + KeepMs, ct);
        _ = ledger.TryRecordAsync(hash, now + KeepMs, CancellationToken.None).ContinueWith(
            t => log.LogWarning(t.Exception?.GetBaseException(), "Recording a spent nonce failed; it is refused until this process stops"),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return Task.FromResult(true);
    }

    void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + 60_000, next) != next) return;
        foreach (var (key, expires) in _seen)
            if (expires < now) _seen.TryRemove(key, out _);
    }
}
