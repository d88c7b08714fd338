// Gateways: topology add/get signed with each sub-device's secret, sub-device login (single as the Node SDK sends it,
// batch as the Python SDK sends it), sub-device traffic on the gateway's connection, and logout or gateway loss taking
// sub-devices offline.
using System.Text.Json;
using Thingyard.Protocol.Signing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class GatewayTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    sealed record Gateway(TestDevice Device, MqttDevice Mqtt) : IAsyncDisposable
    {
        public string Session(string action) => $"/ext/session/{Device.ProductKey}/{Device.DeviceName}/combine/{action}";
        public ValueTask DisposeAsync() => Mqtt.DisposeAsync();
    }

    async Task<Gateway> ConnectGatewayAsync()
    {
        var gwPk = await server.NewProductAsync("Gw", nodeType: 1);
        var gw = await server.NewTestDeviceAsync(gwPk);
        return new Gateway(gw, await server.ConnectAsync(gw));
    }

    async Task<TestDevice[]> NewSubDevicesAsync(int count)
    {
        var pk = await server.NewModelledProductAsync();
        var subs = new TestDevice[count];
        for (var i = 0; i < count; i++) subs[i] = await server.NewTestDeviceAsync(pk);
        return subs;
    }

    /// <summary>The Node SDK's signed sub-device object (signUtil): clientId pk&amp;dn, timestamp a number, HMAC-SHA1.</summary>
    static string Signed(TestDevice sub, string? secret = null, string signMethod = "hmacsha1")
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var clientId = $"{sub.ProductKey}&{sub.DeviceName}";
        var sign = DeviceSignature.Sign(signMethod, secret ?? sub.DeviceSecret, $"clientId{clientId}deviceName{sub.DeviceName}productKey{sub.ProductKey}timestamp{ts}");
        return JsonSerializer.Serialize(new { productKey = sub.ProductKey, deviceName = sub.DeviceName, clientId, timestamp = ts, signMethod, sign });
    }

    static Task<JsonElement> TopoAddAsync(Gateway gw, params string[] signed) =>
        gw.Mqtt.RequestAsync(gw.Mqtt.Sys("thing/topo/add"), "thing.topo.add", "[" + string.Join(",", signed) + "]");

    /// <summary>Login exactly as gateway.js sends it: params a single object, method "".</summary>
    static Task<JsonElement> LoginAsync(Gateway gw, TestDevice sub, string? secret = null) =>
        gw.Mqtt.RequestAsync(gw.Session("login"), "", Signed(sub, secret));

    static int Code(JsonElement reply) => reply.GetProperty("code").GetInt32();

    [Fact]
    public async Task Sub_device_logs_in_through_the_gateway_posts_on_its_own_topics_and_logs_out()
    {
        await using var gw = await ConnectGatewayAsync();
        var sub = (await NewSubDevicesAsync(1))[0];

        var added = await TopoAddAsync(gw, Signed(sub));
        Assert.Equal(200, Code(added));
        var topo = await gw.Mqtt.RequestAsync(gw.Mqtt.Sys("thing/topo/get"), "thing.topo.get", "{}");
        Assert.Equal(200, Code(topo));
        var listed = Assert.Single(topo.GetProperty("data").EnumerateArray());
        Assert.Equal((sub.ProductKey, sub.DeviceName, sub.IotId), (listed.Str("productKey"), listed.Str("deviceName"), listed.Str("iotId")));

        // Before login the gateway may not use the sub-device's topics.
        var early = await gw.Mqtt.SubscribeAsync($"/sys/{sub.ProductKey}/{sub.DeviceName}/thing/event/property/post_reply");
        Assert.Equal(MQTTnet.MqttClientSubscribeResultCode.UnspecifiedError, early.Items.Single().ResultCode);

        var login = await LoginAsync(gw, sub);
        Assert.Equal(200, Code(login));
        Assert.Equal(sub.DeviceName, login.GetProperty("data").Str("deviceName"));
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(sub, "ONLINE"));

        var subTopic = $"/sys/{sub.ProductKey}/{sub.DeviceName}/thing/event/property/post";
        var id = $"7|exp-topic|{subTopic}_reply";
        var posted = await gw.Mqtt.RequestAsync(subTopic, "thing.event.property.post", """{"temperature":19.5}""", qos: 1, id: id);
        Assert.Equal(200, Code(posted));
        Assert.Equal(id, posted.GetProperty("id").GetString());
        Assert.Equal([("temperature", "19.5")], await server.SamplesAsync(sub));
        Assert.Equal("127.0.0.1", (await server.DetailAsync(sub)).Str("IpAddress"));

        var logout = await gw.Mqtt.RequestAsync(gw.Session("logout"), "", JsonSerializer.Serialize(new { productKey = sub.ProductKey, deviceName = sub.DeviceName }));
        Assert.Equal(200, Code(logout));
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(sub, "OFFLINE"));
        Assert.Equal("ONLINE", await server.StatusAsync(gw.Device));

        // Logged out: the sub-device's topics are foreign again, and a second logout says there is no session.
        await gw.Mqtt.PublishAsync(subTopic, """{"id":"8","params":{"temperature":18.5},"method":"thing.event.property.post"}""", qos: 1);
        Assert.Equal([("temperature", "19.5")], await server.SamplesAsync(sub));
        var again = await gw.Mqtt.RequestAsync(gw.Session("logout"), "", JsonSerializer.Serialize(new { productKey = sub.ProductKey, deviceName = sub.DeviceName }));
        Assert.Equal(520, Code(again));
    }

    [Fact]
    public async Task Login_is_refused_without_topology_or_with_a_bad_sign()
    {
        await using var gw = await ConnectGatewayAsync();
        var subs = await NewSubDevicesAsync(2);
        Assert.Equal(200, Code(await TopoAddAsync(gw, Signed(subs[0]))));

        var notLinked = await LoginAsync(gw, subs[1]);
        Assert.Equal(6401, Code(notLinked));
        var badSign = await LoginAsync(gw, subs[0], secret: "wrong-secret");
        Assert.Equal(6413, Code(badSign));
        Assert.Equal("UNACTIVE", await server.StatusAsync(subs[0]));
        Assert.Equal("UNACTIVE", await server.StatusAsync(subs[1]));

        // Topology add checks the sign too, and a gateway cannot be its own sub-device.
        Assert.Equal(6413, Code(await TopoAddAsync(gw, Signed(subs[1], secret: "wrong-secret"))));
        Assert.Equal(6402, Code(await TopoAddAsync(gw, Signed(gw.Device))));
        Assert.Equal(6100, Code(await TopoAddAsync(gw, Signed(subs[1] with { DeviceName = "no_such_sub" }))));
    }

    [Fact]
    public async Task Batch_login_in_the_python_form_logs_in_every_sub_device()
    {
        await using var gw = await ConnectGatewayAsync();
        var subs = await NewSubDevicesAsync(2);
        // Python topo add: clientId "pk.dn", timestamp a string, key "signmethod" with value "hmacSha256".
        var topoItems = subs.Select(s =>
        {
            var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();
            var clientId = $"{s.ProductKey}.{s.DeviceName}";
            var sign = DeviceSignature.Sign("hmacsha256", s.DeviceSecret, $"clientId{clientId}deviceName{s.DeviceName}productKey{s.ProductKey}timestamp{ts}");
            return JsonSerializer.Serialize(new { productKey = s.ProductKey, deviceName = s.DeviceName, clientId, timestamp = ts, signmethod = "hmacSha256", sign });
        }).ToArray();
        Assert.Equal(200, Code(await TopoAddAsync(gw, topoItems)));

        var deviceList = subs.Select(s =>
        {
            var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString();
            var clientId = $"{s.ProductKey}.{s.DeviceName}|lan=Python,_v=2.2.1,_ss=1|";
            var sign = DeviceSignature.Sign("hmacsha256", s.DeviceSecret, $"clientId{clientId}deviceName{s.DeviceName}productKey{s.ProductKey}timestamp{ts}");
            return new { productKey = s.ProductKey, deviceName = s.DeviceName, clientId, timestamp = ts, cleanSession = "false", sign };
        }).ToArray();
        var login = await gw.Mqtt.RequestAsync(gw.Session("batch_login"), "",
            JsonSerializer.Serialize(new { signMethod = "hmacSha256", deviceList }));
        Assert.Equal(200, Code(login));
        Assert.Equal(subs.Select(s => s.DeviceName).Order(), login.GetProperty("data").EnumerateArray().Select(e => e.Str("deviceName")).Order());
        foreach (var s in subs) Assert.Equal("ONLINE", await server.EventuallyStatusAsync(s, "ONLINE"));

        var logout = await gw.Mqtt.RequestAsync(gw.Session("batch_logout"), "",
            JsonSerializer.Serialize(subs.Select(s => new { productKey = s.ProductKey, deviceName = s.DeviceName })));
        Assert.Equal(200, Code(logout));
        foreach (var s in subs) Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(s, "OFFLINE"));
    }

    [Fact]
    public async Task A_batch_login_with_one_bad_sub_device_logs_in_none()
    {
        await using var gw = await ConnectGatewayAsync();
        var subs = await NewSubDevicesAsync(2);
        Assert.Equal(200, Code(await TopoAddAsync(gw, Signed(subs[0]), Signed(subs[1]))));
        var list = $"[{Signed(subs[0])},{Signed(subs[1], secret: "wrong")}]";
        var login = await gw.Mqtt.RequestAsync(gw.Session("batch_login"), "", $$"""{"deviceList":{{list}}}""");
        Assert.Equal(6413, Code(login));
        // Follow with a good login of the first so the refusal above has certainly been handled.
        Assert.Equal(200, Code(await LoginAsync(gw, subs[0])));
        Assert.Equal("UNACTIVE", await server.StatusAsync(subs[1]));
    }

    [Fact]
    public async Task Gateway_disconnect_takes_its_sub_devices_offline()
    {
        var gw = await ConnectGatewayAsync();
        var subs = await NewSubDevicesAsync(2);
        await using (gw)
        {
            Assert.Equal(200, Code(await TopoAddAsync(gw, subs.Select(s => Signed(s)).ToArray())));
            foreach (var s in subs) Assert.Equal(200, Code(await LoginAsync(gw, s)));
            foreach (var s in subs) Assert.Equal("ONLINE", await server.EventuallyStatusAsync(s, "ONLINE"));
        }
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(gw.Device, "OFFLINE"));
        foreach (var s in subs) Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(s, "OFFLINE"));
    }

    [Fact]
    public async Task A_device_that_is_not_a_gateway_cannot_manage_sub_devices()
    {
        var pk = await server.NewModelledProductAsync();
        var plain = await server.NewTestDeviceAsync(pk);
        var sub = await server.NewTestDeviceAsync(pk);
        await using var device = await server.ConnectAsync(plain);
        var add = await device.RequestAsync(device.Sys("thing/topo/add"), "thing.topo.add", "[" + Signed(sub) + "]");
        Assert.Equal(460, Code(add));
        Assert.Contains("gateway", add.GetProperty("message").GetString());
        var login = await device.RequestAsync($"/ext/session/{pk}/{plain.DeviceName}/combine/login", "", Signed(sub));
        Assert.Equal(460, Code(login));
        Assert.Equal("UNACTIVE", await server.StatusAsync(sub));
    }
}
