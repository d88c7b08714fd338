// Sub-device dynamic registration through a gateway: thing.sub.register and the product_register form that Python
// LinkKit and the C SDKs send ("one secret per product"). Secrets go only to pre-registered, unactivated devices of
// sub-device products (node type device with a gateway protocol) of the gateway's account with dynamic registration
// on; every other request gets the same answer, so a gateway cannot probe which names exist.
using System.Text.Json;
using Thingyard.Protocol.Signing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class SubDeviceRegistrationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<MqttDevice> GatewayAsync()
    {
        var gw = await server.NewTestDeviceAsync(await server.NewModelledProductAsync(nodeType: 1));
        var device = await DeviceKit.ConnectAsync(server, gw, LinkSdkTests.Python(gw));
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(gw, "ONLINE"));
        return device;
    }

    /// <summary>A product and its secret: a sub-device product (ProtocolType set) unless <paramref name="protocol"/> is null.</summary>
    async Task<(string Pk, string Secret)> ProductAsync(bool dynamic = true, string? protocol = "modbus", int nodeType = 0, TestAccount? account = null)
    {
        (string, string)[] args = [("ProductName", RegistryCalls.Unique("Sub")), ("NodeType", nodeType.ToString()), ("DynamicRegistration", dynamic ? "true" : "false"),
            .. protocol is null ? Array.Empty<(string, string)>() : [("ProtocolType", protocol)]];
        var created = account is null ? await server.Call("CreateProduct", args) : await server.CallAs(account, "CreateProduct", args);
        return (created.Str("ProductKey"), created.Str("Data.ProductSecret"));
    }

    static string Proxied(string pk, string dn, string productSecret, string random = "8Ygb7ULYh53B6OA")
    {
        var sign = DeviceSignature.Sign("hmacsha256", productSecret, $"deviceName{dn}productKey{pk}random{random}");
        return $$"""{"productKey":"{{pk}}","deviceName":"{{dn}}","random":"{{random}}","signMethod":"hmacSha256","sign":"{{sign}}"}""";
    }

    static Task<JsonElement> ProductRegisterAsync(MqttDevice gw, params string[] proxieds) =>
        gw.RequestAsync(gw.Sys("thing/proxy/provisioning/product_register"), "thing.proxy.provisioning.product_register",
            $$"""{"proxieds":[{{string.Join(",", proxieds)}}]}""", subscribe: false);

    static Task<JsonElement> SubRegisterAsync(MqttDevice gw, params (string Pk, string Dn)[] subs) =>
        gw.RequestAsync(gw.Sys("thing/sub/register"), "thing.sub.register",
            "[" + string.Join(",", subs.Select(s => $$"""{"productKey":"{{s.Pk}}","deviceName":"{{s.Dn}}"}""")) + "]", subscribe: false);

    [Fact]
    public async Task Product_register_issues_secrets_that_connect_and_refuses_the_rest_alike()
    {
        await using var gw = await GatewayAsync();
        var (pk, secret) = await ProductAsync();
        var sub = await server.NewTestDeviceAsync(pk);

        var reply = await ProductRegisterAsync(gw, Proxied(pk, sub.DeviceName, secret), Proxied(pk, "never-registered", secret),
            Proxied(pk, sub.DeviceName + "x", "wrong-product-secret"));
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        var success = Assert.Single(reply.GetProperty("data").GetProperty("successes").EnumerateArray());
        Assert.Equal((pk, sub.DeviceName), (success.Str("productKey"), success.Str("deviceName")));
        var issued = success.Str("deviceSecret");
        Assert.NotEqual(sub.DeviceSecret, issued);

        var failures = reply.GetProperty("data").GetProperty("failures").EnumerateArray().ToList();
        Assert.Equal(2, failures.Count);
        // Nothing tells an unknown name from a bad sign.
        Assert.Single(failures.Select(f => (f.GetProperty("errorDetail").Str("code"), f.GetProperty("errorDetail").Str("message").Replace(f.Str("deviceName"), "*"))).Distinct());

        // The issued secret is the device's now: the sub-device connects with it.
        await using var direct = await DeviceKit.ConnectAsync(server, sub with { DeviceSecret = issued }, new ConnectStyle());
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, direct.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task Gateways_get_no_secret_of_direct_devices_other_gateways_other_accounts_or_products_without_dynamic_registration()
    {
        await using var gw = await GatewayAsync();
        var other = await server.NewAccountAsync(RegistryCalls.Unique("acct"));
        var cases = new List<(string Pk, string Secret)>
        {
            await ProductAsync(protocol: null),               // a directly connected device product
            await ProductAsync(nodeType: 1, protocol: null),  // another gateway
            await ProductAsync(dynamic: false),               // dynamic registration off
            await ProductAsync(account: other),               // another account's sub-device product
        };
        var refusals = new List<(int, string)>();
        foreach (var (pk, secret) in cases)
        {
            var created = await server.Call("QueryProduct", ("ProductKey", pk)).ContinueWith(t => t.IsFaulted ? null : (JsonElement?)t.Result);
            var dn = RegistryCalls.Unique("d");
            if (created is not null) await server.NewDeviceAsync(pk, dn);
            else await server.CallAs(other, "RegisterDevice", ("ProductKey", pk), ("DeviceName", dn));

            var byProduct = await ProductRegisterAsync(gw, Proxied(pk, dn, secret));
            Assert.Empty(byProduct.GetProperty("data").GetProperty("successes").EnumerateArray());
            var failure = Assert.Single(byProduct.GetProperty("data").GetProperty("failures").EnumerateArray());

            var bySub = await SubRegisterAsync(gw, (pk, dn));
            Assert.NotEqual(200, bySub.GetProperty("code").GetInt32());
            Assert.DoesNotContain("deviceSecret", bySub.GetRawText());
            refusals.Add((bySub.GetProperty("code").GetInt32(), bySub.Str("message").Replace($"{pk}/{dn}", "*")));
            refusals.Add((int.Parse(failure.GetProperty("errorDetail").Str("code")), failure.GetProperty("errorDetail").Str("message").Replace($"{pk}/{dn}", "*")));
        }
        // A name that does not exist at all is answered exactly like the refusals above.
        var unknown = await SubRegisterAsync(gw, ("a1NoSuchPk00", "nobody"));
        refusals.Add((unknown.GetProperty("code").GetInt32(), unknown.Str("message").Replace("a1NoSuchPk00/nobody", "*")));
        Assert.Single(refusals.Distinct());
    }

    [Fact]
    public async Task Sub_register_is_all_or_nothing_and_refuses_activated_devices()
    {
        await using var gw = await GatewayAsync();
        var (pk, _) = await ProductAsync();
        var first = await server.NewTestDeviceAsync(pk);
        var second = await server.NewTestDeviceAsync(pk);

        var refused = await SubRegisterAsync(gw, (first.ProductKey, first.DeviceName), (pk, "not-there"));
        Assert.NotEqual(200, refused.GetProperty("code").GetInt32());
        Assert.Equal(first.DeviceSecret, (await server.DeviceRowAsync(first)).DeviceSecret); // nothing changed

        var ok = await SubRegisterAsync(gw, (first.ProductKey, first.DeviceName), (second.ProductKey, second.DeviceName));
        Assert.Equal(200, ok.GetProperty("code").GetInt32());
        var issued = ok.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([first.DeviceName, second.DeviceName], issued.Select(i => i.Str("deviceName")));
        Assert.Equal(first.IotId, issued[0].Str("iotId"));
        Assert.Equal(issued[0].Str("deviceSecret"), (await server.DeviceRowAsync(first)).DeviceSecret);

        // Once the device has connected it is activated: its secret is never handed out again.
        await using (var connected = await DeviceKit.ConnectAsync(server, first with { DeviceSecret = issued[0].Str("deviceSecret") }, new ConnectStyle()))
            Assert.Equal("ONLINE", await server.EventuallyStatusAsync(first, "ONLINE"));
        Assert.NotNull((await ConnectivityCalls.EventuallyAsync(() => server.DeviceRowAsync(first), r => r.ActivatedAtMs is not null)).ActivatedAtMs);
        var again = await SubRegisterAsync(gw, (first.ProductKey, first.DeviceName));
        Assert.NotEqual(200, again.GetProperty("code").GetInt32());
    }
}
