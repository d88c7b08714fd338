// The broker's credential lookups: the cache must not keep every device (or every made-up name) it was ever asked
// about, and misses that arrive together share a query without mixing up devices.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Connectivity;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Connectivity;

public sealed class DeviceDirectoryTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Expired_entries_are_swept_so_unknown_names_cannot_grow_the_cache_for_good()
    {
        var time = new ManualTime();
        var directory = new DeviceDirectory(server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>(), time,
            server.Services.GetRequiredService<DeviceChanges>());
        for (var i = 0; i < 4096; i++) Assert.Null(await directory.FindAsync("a1NoSuchPK0", $"old{i}"));
        Assert.InRange(directory.CachedCount, 4000, 4096);

        time.Now += TimeSpan.FromMinutes(1);
        for (var i = 0; i < 4096; i++) Assert.Null(await directory.FindAsync("a1NoSuchPK0", $"new{i}"));
        // The sweep on the 8,192nd lookup dropped the 4,096 expired names and kept the fresh ones.
        Assert.Equal(4096, directory.CachedCount);
    }

    [Fact]
    public async Task Misses_arriving_together_each_get_their_own_device_and_crossed_pairs_get_none()
    {
        var (p1, p2) = (await server.NewProductAsync(), await server.NewProductAsync());
        await server.NewDeviceAsync(p1, "dir-a");
        await server.NewDeviceAsync(p2, "dir-b");
        var directory = NewDirectory(new ManualTime());

        // One batch asks for both real devices, the two crossed pairs the IN-lists would also match, and duplicates.
        var asks = new[] { (p1, "dir-a"), (p2, "dir-b"), (p1, "dir-b"), (p2, "dir-a"), (p1, "dir-a"), (p2, "dir-b") };
        var found = await Task.WhenAll(asks.Select(a => directory.FindAsync(a.Item1, a.Item2)));

        Assert.Equal(("dir-a", p1), (found[0]!.Identity.DeviceName, found[0]!.Identity.ProductKey));
        Assert.Equal(("dir-b", p2), (found[1]!.Identity.DeviceName, found[1]!.Identity.ProductKey));
        Assert.Null(found[2]);
        Assert.Null(found[3]);
        Assert.Same(found[0], found[4]);
        Assert.Same(found[1], found[5]);
    }

    [Fact]
    public async Task Misses_that_arrive_while_a_query_runs_share_the_next_query()
    {
        var productKey = await server.NewProductAsync();
        var names = Enumerable.Range(0, 40).Select(i => $"many-{i}").ToArray();
        foreach (var name in names) await server.NewDeviceAsync(productKey, name);
        var factory = new GatedFactory(server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>());
        var directory = new DeviceDirectory(factory, new ManualTime(), server.Services.GetRequiredService<DeviceChanges>());

        var first = directory.FindAsync(productKey, "many-0");
        await factory.FirstAsked.Task; // the first query is under way (and held)
        var rest = names.Skip(1).Concat(names.Select(n => n + "-missing")).Select(n => directory.FindAsync(productKey, n)).ToArray();
        factory.Release.SetResult();
        var found = await Task.WhenAll([first, .. rest]);

        Assert.Equal(names, found.Take(40).Select(c => c!.Identity.DeviceName));
        Assert.All(found.Skip(40), Assert.Null);
        Assert.Equal(2, factory.Created); // one query for the first miss, one for the 79 that queued behind it
        Assert.Equal(80, directory.CachedCount);
    }

    /// <summary>Counts contexts and holds the first one until released, so a test can queue lookups behind it.</summary>
    sealed class GatedFactory(IDbContextFactory<ThingyardDb> inner) : IDbContextFactory<ThingyardDb>
    {
        public readonly TaskCompletionSource FirstAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly TaskCompletionSource Release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Created;

        public ThingyardDb CreateDbContext() => inner.CreateDbContext();

        public async Task<ThingyardDb> CreateDbContextAsync(CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref Created) == 1)
            {
                FirstAsked.SetResult();
                await Release.Task;
            }
            return await inner.CreateDbContextAsync(ct);
        }
    }

    [Fact]
    public async Task A_disabled_device_is_seen_disabled_on_the_next_lookup()
    {
        var productKey = await server.NewProductAsync();
        await server.NewDeviceAsync(productKey, "dir-flip");
        var directory = server.Services.GetRequiredService<DeviceDirectory>();
        Assert.NotEqual("DISABLE", (await directory.FindAsync(productKey, "dir-flip"))!.Status);

        await server.Call("DisableThing", ("ProductKey", productKey), ("DeviceName", "dir-flip"));

        Assert.Equal("DISABLE", (await directory.FindAsync(productKey, "dir-flip"))!.Status);
    }

    DeviceDirectory NewDirectory(ManualTime time) => new(server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>(), time,
        server.Services.GetRequiredService<DeviceChanges>());
}
