// Spent nonces are kept in the database, not only in memory: a genuinely signed call captured and replayed after the
// server restarts is still refused, and spent nonces are pruned once they can no longer be replayed.
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Accounts;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Rpc;

public sealed class NonceReplayTests
{
    [Fact]
    public async Task A_signed_call_replayed_after_a_restart_is_refused()
    {
        await using var server = new ThingyardServer();
        await server.InitializeAsync();
        var query = SignatureTests.SignedQuery(new() { ["Action"] = "QueryProductList" }, DateTime.UtcNow);
        using (var http = server.Http())
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/?" + query)).StatusCode);

        await server.RestartAsync();
        using var again = server.Http();
        var replay = await again.GetAsync("/?" + query);
        var body = JsonDocument.Parse(await replay.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("SignatureNonceUsed", body.Str("Code"));
        // A fresh call is served as before.
        var fresh = await again.GetAsync("/?" + SignatureTests.SignedQuery(new() { ["Action"] = "QueryProductList" }, DateTime.UtcNow));
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Expired_nonces_are_pruned_and_do_not_block_their_value()
    {
        await using var server = new ThingyardServer();
        await server.InitializeAsync();
        var time = new ManualTime();
        var dbs = server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>();
        var ledger = new NonceLedger(dbs, server.Services.GetRequiredService<StorageHealth>(), time);
        var now = time.Now.ToUnixTimeMilliseconds();

        Assert.True(await ledger.TryRecordAsync("old", now + 1000));
        Assert.True(await ledger.TryRecordAsync("kept", now + 60_000));
        Assert.False(await ledger.TryRecordAsync("kept", now + 60_000));

        time.Now += TimeSpan.FromSeconds(2);
        Assert.True(await ledger.TryRecordAsync("old", time.Now.ToUnixTimeMilliseconds() + 1000)); // its row had expired
        time.Now += TimeSpan.FromSeconds(2);
        Assert.Equal(1, await ledger.PruneAsync());
        await using var db = await dbs.CreateDbContextAsync();
        Assert.Equal(["kept"], await db.UsedNonces.Where(n => n.Hash == "old" || n.Hash == "kept").Select(n => n.Hash).ToListAsync());
    }
}
