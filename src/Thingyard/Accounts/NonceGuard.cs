// Refuses a nonce seen before within the timestamp window, so a captured request cannot be replayed: an API call's
// SignatureNonce (per AccessKey) and a federation peer call's nonce (per instance, keyed "peer <id>"). Memory answers
// replays at once; a new nonce is also written to the NonceLedger, which outlives restarts.
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Thingyard.Accounts;

public sealed class NonceGuard(TimeProvider time, NonceLedger ledger)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    // A timestamp may be up to one window ahead of the clock, so a nonce is remembered for two.
    static readonly long KeepMs = (long)Window.TotalMilliseconds * 2;

    readonly ConcurrentDictionary<string, long> _seen = new();
    long _nextSweep;

    /// <summary>True the first time (caller, nonce) is offered inside the window, false on a replay.</summary>
    public async Task<bool> TryUseAsync(string caller, string nonce, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Sweep(now);
        var key = caller + "\n" + nonce;
        if (!_seen.TryAdd(key, now + KeepMs)) return false;
        try
        {
            return await ledger.TryRecordAsync(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), now + KeepMs, ct);
        }
        catch
        {
            _seen.TryRemove(key, out _); // not recorded: the caller may try the same nonce again
            throw;
        }
    }

    void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + 60_000, next) != next) return;
        foreach (var (key, expires) in _seen)
            if (expires < now) _seen.TryRemove(key, out _);
    }
}
