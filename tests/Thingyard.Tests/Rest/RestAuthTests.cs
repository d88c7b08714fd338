// REST authentication: HTTP Basic with AccessKeyId:AccessKeySecret; anything else is 401 with a ProblemDetails body.
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Rest;

public sealed class RestAuthTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Basic(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Basic", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(401, problem.At("status").GetInt32());
        Assert.Equal("Unauthorized", problem.Str("title"));
    }

    [Fact]
    public async Task Requests_without_credentials_are_unauthorized()
    {
        using var http = server.Http();
        await AssertUnauthorizedAsync(await http.GetAsync("/api/v1/products"));
        await AssertUnauthorizedAsync(await http.PostAsJsonAsync("/api/v1/products", new { name = RegistryCalls.Unique("NoAuth") }));
        await AssertUnauthorizedAsync(await http.GetAsync("/api/v1/groups"));
    }

    [Theory]
    [InlineData(ThingyardServer.AdminKeyId, "wrong-secret")]
    [InlineData("LTAInobodyhasthiskey", ThingyardServer.AdminSecret)]
    [InlineData(ThingyardServer.AdminKeyId, "")]
    public async Task A_wrong_key_or_secret_is_unauthorized(string keyId, string secret)
    {
        using var http = server.Rest(keyId, secret);
        await AssertUnauthorizedAsync(await http.GetAsync("/api/v1/products"));
    }

    [Theory]
    [InlineData("Basic", "not-base64!!")]
    [InlineData("Basic", "bm9jb2xvbg==")] // "nocolon"
    [InlineData("Bearer", "LTAItestadmin0000000001")]
    public async Task AMalformedAuthorizationHeaderIsUnauthorized(string scheme, string parameter)
    {
        using var http = server.Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(scheme, parameter);
        await AssertUnauthorizedAsync(await http.GetAsync("/api/v1/products"));
    }

    [Fact]
    public async Task Refused_requests_change_nothing()
    {
        var name = RegistryCalls.Unique("Refused");
        using var bad = server.Rest(ThingyardServer.AdminKeyId, "wrong-secret");
        await AssertUnauthorizedAsync(await bad.PostAsJsonAsync("/api/v1/products", new { name }));

        using var rest = server.Rest();
        var list = JsonDocument.Parse(await rest.GetStringAsync("/api/v1/products?pageSize=200")).RootElement;
        Assert.DoesNotContain(list.At("items").EnumerateArray(), p => p.Str("name") == name);
    }

    [Fact]
    public async Task The_admin_key_is_accepted()
    {
        using var rest = server.Rest();
        var response = await rest.GetAsync("/api/v1/products");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(1, page.At("page").GetInt32());
        Assert.Equal(20, page.At("pageSize").GetInt32());
    }

    [Fact]
    public async Task A_new_accounts_key_works_and_sees_only_its_own_empty_registry()
    {
        using (var admin = server.Rest())
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/products", new { name = RegistryCalls.Unique("AdminOnly") })).StatusCode);

        var other = await server.NewAccountAsync("fresh");
        Assert.StartsWith("LTAI", other.AccessKeyId);
        using var rest = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        var page = JsonDocument.Parse(await rest.GetStringAsync("/api/v1/products")).RootElement;
        Assert.Equal(0, page.At("total").GetInt32());
        Assert.Equal(0, page.At("items").GetArrayLength());
    }

    [Fact]
    public async Task An_account_can_add_an_access_key_for_itself()
    {
        var other = await server.NewAccountAsync("keys");
        using var rest = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        var productName = RegistryCalls.Unique("KeyTwo");
        Assert.Equal(HttpStatusCode.Created, (await rest.PostAsJsonAsync("/api/v1/products", new { name = productName })).StatusCode);

        var response = await rest.PostAsync("/api/v1/accounts/me/access-keys", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(other.AccountUid, key.Str("accountUid"));
        Assert.NotEqual(other.AccessKeyId, key.Str("accessKeyId"));

        using var second = server.Rest(key.Str("accessKeyId"), key.Str("accessKeySecret"));
        var page = JsonDocument.Parse(await second.GetStringAsync("/api/v1/products")).RootElement;
        Assert.Equal(new[] { productName }, page.At("items").Pluck("name"));

        var viaRpc = await server.Rpc(key.Str("accessKeyId"), key.Str("accessKeySecret")).CallAsync("QueryProductList");
        Assert.Equal(1, viaRpc.At("Data.Total").GetInt32());
    }
}
