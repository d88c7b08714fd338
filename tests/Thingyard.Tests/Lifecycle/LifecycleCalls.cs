// Shorthands the lifecycle tests share.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Lifecycle;

public static class LifecycleCalls
{
    /// <summary>Releases a product directly in the database: the release and review actions are built separately (swap
    /// this for them once they exist).</summary>
    public static Task MarkReleasedAsync(this ThingyardServer server, string pk) => server.SetReleaseStateAsync(pk, "released", "RELEASE_STATUS");

    public static async Task SetReleaseStateAsync(this ThingyardServer server, string pk, string state, string status)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        await db.Products.Where(p => p.ProductKey == pk)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.ReleaseState, state).SetProperty(p => p.ProductStatus, status));
    }
}
