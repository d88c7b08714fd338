// The broker's credential cache must not keep every device (or every made-up name) it was ever asked about.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Connectivity;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;

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
}
