// Both signature schemes as the official Node SDKs produce them, and every way a signature check can fail.
using System.Globalization;
using System.Net;
using System.Text.Json;
using Thingyard.Accounts;
using Thingyard.Tests.Infrastructure;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Rpc;

public sealed class SignatureTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Theory]
    [InlineData("pop-get")]
    [InlineData("pop-post")]
    [InlineData("v3")]
    [InlineData("v3-body")]
    [InlineData("v3-v1sig")]
    public async Task Accepts_every_signing_mode_of_the_official_sdks(string mode)
    {
        var name = "Sig_" + mode.Replace("-", "_");
        var created = await NodeSdk.RpcAsync(server, mode, "CreateProduct", new { ProductName = name, NodeType = 0 });
        Assert.True(created.GetProperty("ok").GetBoolean(), created.ToString());
        var productKey = created.Str("body.ProductKey");

        var queried = await NodeSdk.RpcAsync(server, mode, "QueryProduct", new { ProductKey = productKey });
        Assert.Equal(name, queried.Str("body.Data.ProductName"));
    }

    [Fact]
    public async Task Typed_sdk_models_read_our_response_keys()
    {
        var created = await NodeSdk.RpcAsync(server, "typed", "CreateProduct", new { ProductName = "Typed_model", NodeType = 1 });
        Assert.Equal("Typed_model", created.Str("body.Data.ProductName"));
        var productKey = created.Str("body.ProductKey");
        Assert.Equal(productKey, created.Str("body.Data.ProductKey"));

        var device = await NodeSdk.RpcAsync(server, "typed", "RegisterDevice", new { ProductKey = productKey, DeviceName = "typed-dev1" });
        Assert.Equal(32, device.Str("body.Data.DeviceSecret").Length);

        var states = await NodeSdk.RpcAsync(server, "typed", "BatchGetDeviceState", new { ProductKey = productKey, DeviceName = new[] { "typed-dev1" } });
        var status = states.At("body.DeviceStatusList.DeviceStatus")[0];
        Assert.Equal("UNACTIVE", status.Str("Status"));
    }

    [Theory]
    [InlineData("pop-get")]
    [InlineData("v3")]
    public async Task Rejects_a_wrong_secret(string mode)
    {
        var result = await NodeSdk.RpcAsync(server, mode, "QueryProductList", secret: "not-the-secret");
        Assert.False(result.GetProperty("ok").GetBoolean());
        Assert.Equal("SignatureDoesNotMatch", result.Str("data.Code"));
    }

    [Fact]
    public async Task Rejects_an_unknown_access_key()
    {
        var result = await NodeSdk.RpcAsync(server, "v3", "QueryProductList", keyId: "LTAInobody");
        Assert.Equal("InvalidAccessKeyId.NotFound", result.Str("data.Code"));
    }

    [Fact]
    public async Task Refuses_a_replayed_request()
    {
        using var http = server.Http();
        var query = SignedQuery(new() { ["Action"] = "QueryProductList" }, DateTime.UtcNow);
        var first = await http.GetAsync("/?" + query);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var replay = await http.GetAsync("/?" + query);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("SignatureNonceUsed", Code(await replay.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Refuses_a_stale_timestamp()
    {
        using var http = server.Http();
        var response = await http.GetAsync("/?" + SignedQuery(new() { ["Action"] = "QueryProductList" }, DateTime.UtcNow.AddMinutes(-20)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("InvalidTimeStamp.Expired", Code(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Refuses_a_tampered_parameter()
    {
        using var http = server.Http();
        var query = SignedQuery(new() { ["Action"] = "QueryProduct", ["ProductKey"] = "a1aaaaaaaaa" }, DateTime.UtcNow)
            .Replace("ProductKey=a1aaaaaaaaa", "ProductKey=a1bbbbbbbbb");
        var response = await http.GetAsync("/?" + query);
        Assert.Equal("SignatureDoesNotMatch", Code(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Unsigned_requests_name_the_missing_parameter()
    {
        using var http = server.Http();
        var response = await http.GetAsync("/?Action=QueryProductList");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("MissingParameter", body.Str("Code"));
        Assert.Contains("AccessKeyId", body.Str("Message"));
        Assert.False(string.IsNullOrEmpty(body.Str("RequestId")));
    }

    [Fact]
    public async Task Unknown_actions_are_not_found()
    {
        var result = await NodeSdk.RpcAsync(server, "v3", "MakeCoffee");
        Assert.Equal("InvalidAction.NotFound", result.Str("data.Code"));
        Assert.Equal(404, result.At("data.statusCode").GetInt32());
    }

    [Fact]
    public async Task Answers_in_xml_when_asked()
    {
        using var http = server.Http();
        var response = await http.GetAsync("/?" + SignedQuery(new() { ["Action"] = "QueryProductList", ["Format"] = "XML" }, DateTime.UtcNow));
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("text/xml", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("<QueryProductListResponse><RequestId>", text);
        Assert.Contains("<Success>true</Success>", text);
    }

    static string Code(string body) => JsonDocument.Parse(body).RootElement.Str("Code");

    internal static string SignedQuery(Dictionary<string, string> p, DateTime timestamp)
    {
        p["Format"] = p.GetValueOrDefault("Format", "JSON");
        p["Version"] = "2018-01-20";
        p["AccessKeyId"] = ThingyardServer.AdminKeyId;
        p["SignatureMethod"] = "HMAC-SHA1";
        p["SignatureVersion"] = "1.0";
        p["SignatureNonce"] = Guid.NewGuid().ToString("N");
        p["Timestamp"] = timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var signature = PopSignatureV1.Sign(PopSignatureV1.StringToSign("GET", p), ThingyardServer.AdminSecret);
        return PopSignatureV1.Canonicalize(p) + "&Signature=" + PopSignatureV1.PercentEncode(signature);
    }
}
