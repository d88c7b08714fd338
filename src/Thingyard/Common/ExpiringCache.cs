// The in-process cache behind the hot lookups (device credentials, AccessKeys, devices named by API calls, thing
// models): entries live for a fixed time, owners drop them early when what they hold changes. Expired entries are
// swept every SweepEvery writes, so keys never asked for again (a device gone quiet, a made-up name) do not stay in
// memory for good; maxEntries bounds it outright.
using System.Collections.Concurrent;

namespace Thingyard.Common;

public sealed class ExpiringCache<TKey, TValue>(TimeSpan ttl, TimeProvider time, int maxEntries = int.MaxValue, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    public const int SweepEvery = 4096;

    readonly ConcurrentDictionary<TKey, (TValue Value, long Expires)> _entries = new(comparer);
    readonly long _ttlMs = (long)ttl.TotalMilliseconds;
    long _writes;

    public int Count => _entries.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var hit) && hit.Expires > Now())
        {
            value = hit.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Set(TKey key, TValue value)
    {
        var now = Now();
        if (_entries.Count >= maxEntries && !_entries.ContainsKey(key)) _entries.Clear();
        _entries[key] = (value, now + _ttlMs);
        if (Interlocked.Increment(ref _writes) % SweepEvery == 0)
            foreach (var entry in _entries)
                if (entry.Value.Expires <= now) _entries.TryRemove(entry);
    }

    public void Remove(TKey key) => _entries.TryRemove(key, out _);

    public void Clear() => _entries.Clear();

    /// <summary>Drops every entry that matches (a scan: for changes, which are rare next to lookups).</summary>
    public void RemoveWhere(Func<TValue, bool> match)
    {
        foreach (var entry in _entries)
            if (match(entry.Value.Value)) _entries.TryRemove(entry);
    }

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
