// Shorthands the rules tests share.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Rules;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Rules;

public static class RuleCalls
{
    /// <summary>Waits until the engine runs a rule of the product (it reloads in the background after a change).</summary>
    public static async Task EngineWatchesAsync(this ThingyardServer server, string pk)
    {
        await using var db = await server.DbAsync();
        var productId = db.Products.Single(p => p.ProductKey == pk).Id;
        var engine = server.Services.GetRequiredService<RuleEngine>();
        Assert.True(await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(engine.Watches(productId)), w => w), "the rules engine never loaded the rule");
    }
}
