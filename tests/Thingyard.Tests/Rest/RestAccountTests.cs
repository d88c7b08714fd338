// The REST API for an account's people and keys (/api/v1/accounts/me/access-keys and /users, an AccessKey acting as the
// owner), and an account created with its first console user: what the console's AccessKeys and Users pages do.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Infrastructure.Json;

namespace Thingyard.Tests.Rest;

public sealed class RestAccountTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string Keys = "/api/v1/accounts/me/access-keys";
    const string Users = "/api/v1/accounts/me/users";

    static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        var problem = await JsonOf(response, status);
        Assert.Equal(title, problem.Str("title"));
        return problem;
    }

    [Fact]
    public async Task A_key_is_listed_disabled_and_then_refused_on_the_next_call_enabled_again_and_deleted()
    {
        var account = await server.NewAccountAsync("keys");
        using var owner = server.Rest(account.AccessKeyId, account.AccessKeySecret);
        var created = await JsonOf(await owner.PostAsync(Keys, null), HttpStatusCode.Created);
        var (id, secret) = (created.Str("accessKeyId"), created.Str("accessKeySecret"));

        var listed = await JsonOf(await owner.GetAsync(Keys), HttpStatusCode.OK);
        Assert.Equal(new[] { account.AccessKeyId, id }, listed.Pluck("accessKeyId"));
        Assert.DoesNotContain(secret, listed.ToString());
        Assert.DoesNotContain(account.AccessKeySecret, listed.ToString());

        using var second = server.Rest(id, secret);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/products")).StatusCode);
        var disabled = await JsonOf(await owner.PatchAsJsonAsync($"{Keys}/{id}", new { enabled = false }), HttpStatusCode.OK);
        Assert.False(disabled.At("enabled").GetBoolean());
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/products")).StatusCode);
        Assert.Equal("InvalidAccessKeyId.NotFound", (await Assert.ThrowsAsync<Thingyard.Protocol.OpenApi.RpcCallException>(
            () => server.Rpc(id, secret).CallAsync("QueryProductList"))).Code);

        await JsonOf(await owner.PatchAsJsonAsync($"{Keys}/{id}", new { enabled = true }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/products")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Keys}/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/products")).StatusCode);
        Assert.Equal(new[] { account.AccessKeyId }, (await JsonOf(await owner.GetAsync(Keys), HttpStatusCode.OK)).Pluck("accessKeyId"));
        await Problem(await owner.DeleteAsync($"{Keys}/{id}"), HttpStatusCode.NotFound, "iot.accesskey.NotExistedAccessKey");
    }

    [Fact]
    public async Task Another_accounts_key_is_not_found_and_keeps_working()
    {
        var other = await server.NewAccountAsync("intruder");
        using var intruder = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        await Problem(await intruder.PatchAsJsonAsync($"{Keys}/{ThingyardServer.AdminKeyId}", new { enabled = false }), HttpStatusCode.NotFound,
            "iot.accesskey.NotExistedAccessKey");
        await Problem(await intruder.DeleteAsync($"{Keys}/{ThingyardServer.AdminKeyId}"), HttpStatusCode.NotFound, "iot.accesskey.NotExistedAccessKey");
        Assert.DoesNotContain(ThingyardServer.AdminKeyId, (await JsonOf(await intruder.GetAsync(Keys), HttpStatusCode.OK)).Pluck("accessKeyId"));

        using var admin = server.Rest();
        Assert.Contains(ThingyardServer.AdminKeyId, (await JsonOf(await admin.GetAsync(Keys), HttpStatusCode.OK)).Pluck("accessKeyId"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/v1/products")).StatusCode);
    }

    [Fact]
    public async Task Users_are_added_listed_given_another_role_and_removed()
    {
        var account = await server.NewAccountAsync("people");
        using var owner = server.Rest(account.AccessKeyId, account.AccessKeySecret);
        var name = RegistryCalls.Unique("alice");
        var added = await JsonOf(await owner.PostAsJsonAsync(Users, new { userName = name, password = "alice-password-1", role = "Developer" }), HttpStatusCode.Created);
        Assert.Equal(name, added.Str("userName"));
        Assert.Equal("developer", added.Str("role"));
        var id = added.At("id").GetInt64();

        var listed = await JsonOf(await owner.GetAsync(Users), HttpStatusCode.OK);
        var row = Assert.Single(listed.EnumerateArray());
        Assert.Equal(name, row.Str("userName"));
        Assert.False(row.At("lockedOut").GetBoolean());
        Assert.DoesNotContain("alice-password-1", listed.ToString());

        var changed = await JsonOf(await owner.PatchAsJsonAsync($"{Users}/{id}", new { role = "viewer" }), HttpStatusCode.OK);
        Assert.Equal("viewer", changed.Str("role"));
        Assert.Equal(HttpStatusCode.NoContent, (await owner.DeleteAsync($"{Users}/{id}")).StatusCode);
        Assert.Equal(0, (await JsonOf(await owner.GetAsync(Users), HttpStatusCode.OK)).GetArrayLength());
        await Problem(await owner.DeleteAsync($"{Users}/{id}"), HttpStatusCode.NotFound, "iot.user.NotExistedUser");
    }

    [Fact]
    public async Task Bad_users_are_refused_with_the_reason()
    {
        var account = await server.NewAccountAsync("rules");
        using var owner = server.Rest(account.AccessKeyId, account.AccessKeySecret);
        var problem = await Problem(await owner.PostAsJsonAsync(Users, new { userName = RegistryCalls.Unique("shorty"), password = "short", role = "viewer" }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        Assert.Contains("at least 10 characters", problem.Str("detail"));
        problem = await Problem(await owner.PostAsJsonAsync(Users, new { userName = RegistryCalls.Unique("boss"), password = "boss-password-1", role = "emperor" }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        Assert.Contains("owner, admin, developer, viewer or operator", problem.Str("detail"));
        await Problem(await owner.PostAsJsonAsync(Users, new { userName = ConsoleUserName(), password = "taken-password-1", role = "viewer" }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        Assert.Equal(0, (await JsonOf(await owner.GetAsync(Users), HttpStatusCode.OK)).GetArrayLength());

        // The last owner keeps the owner role.
        var ownerUser = await JsonOf(await owner.PostAsJsonAsync(Users, new { userName = RegistryCalls.Unique("own"), password = "owner-password-1", role = "owner" }),
            HttpStatusCode.Created);
        problem = await Problem(await owner.PatchAsJsonAsync($"{Users}/{ownerUser.At("id").GetInt64()}", new { role = "viewer" }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        Assert.Contains("last owner", problem.Str("detail"));
    }

    /// <summary>The first start's console user of the admin account (ThingyardServer leaves its password generated).</summary>
    static string ConsoleUserName() => "admin";

    [Fact]
    public async Task Another_accounts_user_is_not_found_and_stays()
    {
        using var admin = server.Rest();
        var adminUser = (await JsonOf(await admin.GetAsync(Users), HttpStatusCode.OK)).EnumerateArray().First();
        var id = adminUser.At("id").GetInt64();
        var other = await server.NewAccountAsync("snoop");
        using var intruder = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        await Problem(await intruder.PatchAsJsonAsync($"{Users}/{id}", new { role = "viewer" }), HttpStatusCode.NotFound, "iot.user.NotExistedUser");
        await Problem(await intruder.DeleteAsync($"{Users}/{id}"), HttpStatusCode.NotFound, "iot.user.NotExistedUser");
        Assert.Equal(0, (await JsonOf(await intruder.GetAsync(Users), HttpStatusCode.OK)).GetArrayLength());

        var still = (await JsonOf(await admin.GetAsync(Users), HttpStatusCode.OK)).EnumerateArray().Single(u => u.At("id").GetInt64() == id);
        Assert.Equal("owner", still.Str("role"));
    }

    [Fact]
    public async Task The_admin_creates_an_account_with_its_first_owner_user_and_a_bad_user_creates_no_account()
    {
        using var admin = server.Rest();
        var userName = RegistryCalls.Unique("first");
        var uid = "3" + Random.Shared.NextInt64(100000000000000, 999999999999999);
        var created = await JsonOf(await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "with-user", uid, userName, password = "first-password-1" }),
            HttpStatusCode.Created);
        Assert.Equal(uid, created.Str("accountUid"));
        using var owner = server.Rest(created.Str("accessKeyId"), created.Str("accessKeySecret"));
        var user = Assert.Single((await JsonOf(await owner.GetAsync(Users), HttpStatusCode.OK)).EnumerateArray());
        Assert.Equal(userName, user.Str("userName"));
        Assert.Equal("owner", user.Str("role"));

        // Refused users leave nothing behind: the uid is still free afterwards.
        var otherUid = "3" + Random.Shared.NextInt64(100000000000000, 999999999999999);
        await Problem(await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "no-user", uid = otherUid, userName, password = "first-password-2" }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        await Problem(await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "no-user", uid = otherUid, userName = RegistryCalls.Unique("x"), password = "short" }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        await Problem(await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "no-user", uid = otherUid, userName = RegistryCalls.Unique("x") }),
            HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/accounts", new { name = "later", uid = otherUid })).StatusCode);

        // Only the admin account creates accounts, with or without a user.
        await Problem(await owner.PostAsJsonAsync("/api/v1/accounts", new { name = "nope", userName = RegistryCalls.Unique("y"), password = "nope-password-1" }),
            HttpStatusCode.Forbidden, "iot.common.RamActionPermissionDeny");
    }
}
