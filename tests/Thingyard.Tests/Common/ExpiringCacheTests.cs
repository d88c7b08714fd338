// The cache behind the hot lookups: entries expire, expired ones are swept, and the bound holds.
using Thingyard.Common;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Common;

public sealed class ExpiringCacheTests
{
    [Fact]
    public void An_entry_is_served_until_its_time_is_up_and_can_be_dropped_early()
    {
        var time = new ManualTime();
        var cache = new ExpiringCache<string, int>(TimeSpan.FromSeconds(5), time);
        cache.Set("a", 1);
        cache.Set("b", 2);
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(1, a);

        cache.Remove("b");
        Assert.False(cache.TryGet("b", out _));

        time.Now += TimeSpan.FromSeconds(5);
        Assert.False(cache.TryGet("a", out _));
    }

    [Fact]
    public void Expired_entries_are_swept_and_matching_ones_removed()
    {
        var time = new ManualTime();
        var cache = new ExpiringCache<int, int>(TimeSpan.FromSeconds(5), time);
        for (var i = 0; i < 100; i++) cache.Set(i, i);
        time.Now += TimeSpan.FromSeconds(6);
        for (var i = 100; i < ExpiringCache<int, int>.SweepEvery; i++) cache.Set(i, i);
        // The sweep on the SweepEvery-th write dropped the 100 expired entries.
        Assert.Equal(ExpiringCache<int, int>.SweepEvery - 100, cache.Count);

        cache.RemoveWhere(v => v % 2 == 0);
        Assert.False(cache.TryGet(200, out _));
        Assert.True(cache.TryGet(201, out _));
    }

    [Fact]
    public void It_never_holds_more_than_its_bound()
    {
        var cache = new ExpiringCache<int, int>(TimeSpan.FromMinutes(1), TimeProvider.System, maxEntries: 10);
        for (var i = 0; i < 25; i++)
        {
            cache.Set(i, i);
            Assert.InRange(cache.Count, 1, 10);
        }
    }
}
