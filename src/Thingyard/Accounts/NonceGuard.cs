// Refuses a nonce seen before within the timestamp window, so a captured request cannot be replayed: an API call's
// SignatureNonce (per AccessKey) and a federation peer call's nonce (per instance, keyed "peer <id>").
using System.Collections.Concurrent;

namespace Thingyard.Accounts;

public sealed class NonceGuard(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    readonly ConcurrentDictionary<string, long> _seen = new();
    long _nextSweep;

    /// <summary>True the first time (caller, nonce) is offered inside the window, false on a replay.</summary>
    public bool TryUse(string accessKeyId, string nonce)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Sweep(now);
        return _seen.TryAdd(accessKeyId + "\n" + nonce, now + (long)Window.TotalMilliseconds * 2);
    }

    void Sweep(long now)
    {
        var next = Interlocked.Read(ref _nextSweep);
        if (now < next || Interlocked.CompareExchange(ref _nextSweep, now + 60_000, next) != next) return;
        foreach (var (key, expires) in _seen)
            if (expires < now) _seen.TryRemove(key, out _);
    }
}
