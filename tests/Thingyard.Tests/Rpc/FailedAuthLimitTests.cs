// Guessing AccessKey secrets over HTTP: bad signatures (RPC) and bad Basic credentials (REST) count per AccessKey and per
// address; past the limit even the right secret is refused (HTTP 429 with Retry-After) for the lockout, and only the
// locked-out key or address is. Each test runs its own server: a lockout of 127.0.0.1 would touch every test.
using System.Net;
using Thingyard.Tests.Accounts;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Rpc;

public sealed class FailedAuthLimitTests
{
    static async Task<RpcCallException> RpcFailsAsync(ThingyardServer server, string keyId, string secret) =>
        await Assert.ThrowsAsync<RpcCallException>(() => server.Rpc(keyId, secret).CallAsync("QueryProductList"));

    [Fact]
    public async Task Rpc_bad_signatures_lock_out_their_access_key_and_not_others()
    {
        await using var server = new ThrottledServer().Limits(perAddress: 100);
        await server.InitializeAsync();
        var other = await server.NewAccountAsync();

        for (var i = 0; i < ThrottledServer.PerIdentity; i++)
            Assert.Equal("SignatureDoesNotMatch", (await RpcFailsAsync(server, ThingyardServer.AdminKeyId, "guess" + i)).Code);
        var refused = await RpcFailsAsync(server, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret);
        Assert.Equal((429, "Throttling.User"), (refused.Status, refused.Code));

        await server.Rpc(other.AccessKeyId, other.AccessKeySecret).CallAsync("QueryProductList");
    }

    [Fact]
    public async Task Rpc_failures_from_one_address_lock_the_address_out_for_every_key()
    {
        await using var server = new ThrottledServer().Limits(perIdentity: 100);
        await server.InitializeAsync();
        for (var i = 0; i < ThrottledServer.PerAddress; i++)
            Assert.Equal("InvalidAccessKeyId.NotFound", (await RpcFailsAsync(server, "LTAInobody" + i, "x")).Code);

        var refused = await RpcFailsAsync(server, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret);
        Assert.Equal((429, "Throttling.User"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task Rest_bad_credentials_lock_out_their_access_key_with_429_and_retry_after()
    {
        await using var server = new ThrottledServer().Limits(perAddress: 100);
        await server.InitializeAsync();
        var other = await server.NewAccountAsync();

        for (var i = 0; i < ThrottledServer.PerIdentity; i++)
        {
            using var bad = server.Rest(ThingyardServer.AdminKeyId, "guess" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, (await bad.GetAsync("/api/v1/products")).StatusCode);
        }
        using var rest = server.Rest();
        var refused = await rest.GetAsync("/api/v1/products");
        var problem = await Json.JsonOf(refused, HttpStatusCode.TooManyRequests);
        Assert.Contains("retry after", problem.Str("detail"));
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // The same key is locked out of the RPC API too; another key is not.
        Assert.Equal(429, (await RpcFailsAsync(server, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret)).Status);
        using var otherRest = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        Assert.Equal(HttpStatusCode.OK, (await otherRest.GetAsync("/api/v1/products")).StatusCode);
    }

    [Fact]
    public async Task Rest_failures_from_one_address_lock_the_address_out()
    {
        await using var server = new ThrottledServer().Limits(perIdentity: 100);
        await server.InitializeAsync();
        using var anonymous = server.Http();
        for (var i = 0; i < ThrottledServer.PerAddress; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/products")).StatusCode);
        using var rest = server.Rest();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await rest.GetAsync("/api/v1/products")).StatusCode);
    }
}
