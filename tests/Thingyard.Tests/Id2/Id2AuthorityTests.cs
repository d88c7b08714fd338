// The authority's clock-bound rules with a clock the test moves: a challenge answered after its lifetime is "expired"
// (33), not "unknown"; a timestamp code is judged against the window at the moment of checking; two checks racing for
// one challenge or one last unit of quota let exactly one through.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Thingyard.Accounts;
using Thingyard.Common;
using Thingyard.Id2;
using Thingyard.Protocol.Id2;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Id2.Id2Calls;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Id2;

public sealed class Id2AuthorityTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    Id2Authority Authority(TimeProvider time) => new(server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>(),
        server.Services.GetRequiredService<SecretProtector>(), server.Services.GetRequiredService<NonceLedger>(), time, new Id2Options(),
        NullLogger<Id2Authority>.Instance);

    async Task<(long AccountId, string ProductKey, List<(string Id2, Id2Key Key)> Ids)> ProductAsync(int quota, int count)
    {
        var maker = await server.NewAccountAsync(Unique("clock"));
        var pk = (await server.CallAs(maker, "CreateId2Product", ("Name", Unique("meter")))).Str("Data.ProductKey");
        await server.Call("AllocateId2Quota", ("ProductKey", pk), ("Count", quota.ToString()));
        var batch = (await server.CallAs(maker, "CreateId2Batch", ("ProductKey", pk), ("Count", count.ToString()))).Str("Data.BatchId");
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        var accountId = await db.Id2Products.Where(p => p.ProductKey == pk).Select(p => p.AccountId).FirstAsync();
        return (accountId, pk, await server.ExportAsync(maker, batch));
    }

    static async Task<string> CodeOf(Func<Task> check) => (await Assert.ThrowsAsync<IotException>(check)).Code;

    [Fact]
    public async Task A_late_answer_is_expired_and_the_window_moves_with_the_clock()
    {
        var (account, pk, ids) = await ProductAsync(quota: 5, count: 1);
        var clock = new ManualTime();
        var authority = Authority(clock);
        var device = Device(ids[0]);

        var challenge = await authority.IssueChallengeAsync(account, ids[0].Id2);
        clock.Now += TimeSpan.FromMinutes(6);
        Assert.Equal("33", await CodeOf(() => authority.VerifyAsync(account, pk, ids[0].Id2, device.ChallengeAuthCode(challenge), null, "Verify")));

        // A code stamped now is refused by a clock 11 minutes ahead, accepted by one 9 minutes ahead.
        var stamped = device.TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        clock.Now = DateTimeOffset.UtcNow.AddMinutes(11);
        Assert.Equal("33", await CodeOf(() => authority.VerifyAsync(account, pk, ids[0].Id2, stamped, null, "Verify")));
        clock.Now = DateTimeOffset.UtcNow.AddMinutes(9);
        Assert.True((await authority.VerifyAsync(account, pk, ids[0].Id2, stamped, null, "Verify")).Activated);
        Assert.Equal("34", await CodeOf(() => authority.VerifyAsync(account, pk, ids[0].Id2, stamped, null, "Verify")));
    }

    [Fact]
    public async Task Racing_checks_spend_a_challenge_and_the_last_unit_of_quota_once()
    {
        var (account, pk, ids) = await ProductAsync(quota: 1, count: 2);
        var authority = Authority(TimeProvider.System);

        // Eight answers to one challenge at once: one passes, the rest are replays.
        var challenge = await authority.IssueChallengeAsync(account, ids[0].Id2);
        var codes = Enumerable.Range(0, 8).Select(_ => Device(ids[0]).ChallengeAuthCode(challenge)).ToList();
        var outcomes = await Task.WhenAll(codes.Select(async c =>
        {
            try { await authority.VerifyAsync(account, pk, ids[0].Id2, c, null, "Verify"); return "200"; }
            catch (IotException e) { return e.Code; }
        }));
        Assert.Equal(1, outcomes.Count(o => o == "200"));
        Assert.All(outcomes.Where(o => o != "200"), o => Assert.Equal("34", o));

        // The quota (1) is spent; the second identity's first check is refused and changes nothing.
        Assert.Equal("16", await CodeOf(() => authority.VerifyAsync(account, pk, ids[1].Id2,
            Device(ids[1]).TimestampAuthCode(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), null, "Verify")));
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        Assert.Equal(Id2Status.Issued, await db.Id2Identities.Where(i => i.Id2 == ids[1].Id2).Select(i => i.Status).FirstAsync());
        Assert.Equal(1, await db.Id2Products.Where(p => p.ProductKey == pk).Select(p => p.QuotaUsed).FirstAsync());
    }
}
