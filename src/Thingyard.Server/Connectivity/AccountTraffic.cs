// Messages per minute for each account, for the console's overview: accepted uplinks and bad payloads are counted per
// account on the message path (one dictionary lookup and one atomic add), and a timer closes each minute into a ring
// of the last 60. Per instance and in memory: it starts empty at every start.
using System.Collections.Concurrent;

namespace Thingyard.Server.Connectivity;

public sealed record TrafficMinute(DateTimeOffset Minute, long Messages, long BadPayloads);

public sealed class AccountTraffic : IDisposable
{
    public const int Minutes = 60;

    sealed class Series
    {
        public long Messages, BadPayloads;
        public readonly Queue<TrafficMinute> Closed = new();
    }

    readonly ConcurrentDictionary<long, Series> _accounts = new();
    readonly TimeProvider _time;
    readonly ITimer _timer;

    public AccountTraffic(TimeProvider time)
    {
        _time = time;
        var now = time.GetUtcNow();
        var toNextMinute = TimeSpan.FromMinutes(1) - TimeSpan.FromTicks(now.Ticks % TimeSpan.TicksPerMinute);
        _timer = time.CreateTimer(_ => CloseMinute(), null, toNextMinute, TimeSpan.FromMinutes(1));
    }

    public void Message(long accountId) => Interlocked.Increment(ref Of(accountId).Messages);

    public void BadPayload(long accountId) => Interlocked.Increment(ref Of(accountId).BadPayloads);

    /// <summary>The account's closed minutes (oldest first, up to an hour) and the minute in progress last.</summary>
    public List<TrafficMinute> LastHour(long accountId)
    {
        var now = _time.GetUtcNow();
        var current = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        if (!_accounts.TryGetValue(accountId, out var series)) return [new TrafficMinute(current, 0, 0)];
        lock (series.Closed)
            return [.. series.Closed, new TrafficMinute(current, Interlocked.Read(ref series.Messages), Interlocked.Read(ref series.BadPayloads))];
    }

    Series Of(long accountId) => _accounts.TryGetValue(accountId, out var s) ? s : _accounts.GetOrAdd(accountId, _ => new Series());

    void CloseMinute()
    {
        var now = _time.GetUtcNow();
        var closed = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-1);
        foreach (var (accountId, series) in _accounts)
        {
            var minute = new TrafficMinute(closed, Interlocked.Exchange(ref series.Messages, 0), Interlocked.Exchange(ref series.BadPayloads, 0));
            lock (series.Closed)
            {
                series.Closed.Enqueue(minute);
                while (series.Closed.Count > Minutes - 1) series.Closed.Dequeue();
                // An account quiet for an hour is dropped, so deleted accounts do not stay for ever.
                if (series.Closed.All(m => m.Messages == 0 && m.BadPayloads == 0)) _accounts.TryRemove(accountId, out _);
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
