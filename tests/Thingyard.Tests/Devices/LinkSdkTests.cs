// Devices that behave as Alibaba's C Link SDK 3.x/4.x and Python LinkKit do on the wire: the client ids they send
// (_ss=1 and their ext flags), no SUBSCRIBE for system topics, sync services in the ext RRPC form, shadow replies
// matched by clientToken. Each client here sends what those SDKs' sources send, byte for byte where it matters.
using System.Text.Json;
using MQTTnet;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class LinkSdkTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>C SDK 3.x (dev_sign_mqtt.c, MQTT_AUTO_SUBSCRIBE on): "pk.dn", the fixed 2050 timestamp, upper-case HMAC-SHA256, ext=0.</summary>
    public static ConnectStyle C3(TestDevice d) => new()
    {
        ClientIdBase = $"{d.ProductKey}.{d.DeviceName}", SignMethod = "hmacsha256", Timestamp = "2524608000000", UpperHex = true,
        FullClientId = $"{d.ProductKey}.{d.DeviceName}|timestamp=2524608000000,_v=sdk-c-3.2.0,securemode=3,signmethod=hmacsha256,lan=C,_ss=1,gw=0,ext=0|",
    };

    /// <summary>C SDK 4.x (core_auth.c): ext=3 (bit 0 rrpc, bit 1 ext notify), then the extension block, which starts empty.</summary>
    public static ConnectStyle C4(TestDevice d) => new()
    {
        ClientIdBase = $"{d.ProductKey}.{d.DeviceName}", SignMethod = "hmacsha256", Timestamp = "2524608000000", UpperHex = true,
        FullClientId = $"{d.ProductKey}.{d.DeviceName}|timestamp=2524608000000,_ss=1,_v=sdk-c-4.1.0,securemode=3,signmethod=hmacsha256,ext=3,,_conn=tcp_1f|",
    };

    /// <summary>Python LinkKit 1.2.13: "pk&amp;dn", HMAC-SHA1, the timestamp in seconds, ext=1.</summary>
    public static ConnectStyle Python(TestDevice d)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        return new()
        {
            SignMethod = "hmacsha1", Timestamp = ts,
            FullClientId = $"{d.ProductKey}&{d.DeviceName}|securemode=3,signmethod=hmacsha1,ext=1,_ss=1,lan=Python,_v=1.2.13,timestamp={ts}|",
        };
    }

    async Task<(TestDevice Info, MqttDevice Mqtt)> OnlineAsync(Func<TestDevice, ConnectStyle> style, int nodeType = 0)
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync(nodeType));
        var device = await DeviceKit.ConnectAsync(server, d, style(d));
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(d, "ONLINE"));
        return (d, device);
    }

    static int Code(JsonElement reply) => reply.GetProperty("code").GetInt32();

    public static TheoryData<string> Sdks => new() { "c3", "c4", "python" };

    static Func<TestDevice, ConnectStyle> StyleOf(string sdk) => sdk switch { "c3" => C3, "c4" => C4, _ => Python };

    [Theory]
    [MemberData(nameof(Sdks))]
    public async Task An_auto_subscribed_client_gets_replies_and_commands_without_subscribing(string sdk)
    {
        var (d, device) = await OnlineAsync(StyleOf(sdk));
        await using var connection = device;

        var posted = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":21.5}""", subscribe: false);
        Assert.Equal(200, Code(posted));
        var evented = await device.RequestAsync(device.Sys("thing/event/overheat/post"), "thing.event.overheat.post", """{"temp":130}""", subscribe: false);
        Assert.Equal(200, Code(evented));
        var tagged = await device.RequestAsync(device.Sys("thing/deviceinfo/update"), "thing.deviceinfo.update", """[{"attrKey":"room","attrValue":"lab"}]""", subscribe: false);
        Assert.Equal(200, Code(tagged));

        await server.Call("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")));
        var set = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(1, set.GetProperty("params").GetProperty("mode").GetInt32());

        var invoked = await server.Call("InvokeThingService", d.Args(("Identifier", "reboot"), ("Args", """{"delay":3}""")));
        var reboot = await device.NextRequestAsync(device.Sys("thing/service/reboot"));
        Assert.Equal(invoked.Str("Data.MessageId"), reboot.GetProperty("id").GetString());

        await device.PublishAsync($"/ext/ntp/{d.ProductKey}/{d.DeviceName}/request", """{"deviceSendTime":"1000"}""");
        var ntp = await device.NextAsync(r => r.Topic == $"/ext/ntp/{d.ProductKey}/{d.DeviceName}/response");
        Assert.Equal("1000", ntp.Json.GetProperty("deviceSendTime").GetString());

        await device.PublishAsync($"/shadow/update/{d.ProductKey}/{d.DeviceName}", """{"method":"get","clientToken":"tok-1"}""");
        var shadow = await device.NextAsync(r => r.Topic == $"/shadow/get/{d.ProductKey}/{d.DeviceName}");
        Assert.Equal("tok-1", shadow.Json.GetProperty("clientToken").GetString());

        // Custom topics are not system topics: they still need a SUBSCRIBE.
        await server.Call("Pub", d.Args(("TopicFullName", $"/{d.ProductKey}/{d.DeviceName}/user/get"), ("MessageContent", MessagingKit.B64("hi")), ("Qos", "0")));
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/user/get"), 500));
    }

    [Fact]
    public async Task A_client_without_ss_receives_only_what_it_subscribed()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await DeviceKit.ConnectAsync(server, d, new ConnectStyle());
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(d, "ONLINE"));

        await device.PublishAsync(device.Sys("thing/event/property/post"), """{"id":"1","version":"1.0","params":{"temperature":20},"method":"thing.event.property.post"}""");
        // Not subscribed to property/set: the call says so rather than sending into the void.
        var refused = await server.Fails("SetDeviceProperty", d.Args(("Items", """{"mode":1}""")));
        Assert.Contains("not subscribed", refused.Message);
        Assert.False(await device.ReceivesAsync(_ => true, 700));
        Assert.Equal([("temperature", "20")], await ConnectivityCalls.EventuallyAsync(() => server.SamplesAsync(d), s => s.Count == 1));
    }

    [Theory]
    [InlineData("c4")]
    [InlineData("python")]
    public async Task Ext_clients_get_sync_calls_on_the_ext_rrpc_topic_and_their_answer_completes_the_call(string sdk)
    {
        var (d, device) = await OnlineAsync(StyleOf(sdk));
        await using var connection = device;

        var call = server.Call("InvokeThingService", d.Args(("Identifier", "ping"), ("Args", """{"n":7}""")));
        var prefix = "/ext/rrpc/";
        var suffix = $"/sys/{d.ProductKey}/{d.DeviceName}/thing/service/ping";
        var request = await device.NextAsync(r => r.Topic.StartsWith(prefix) && r.Topic.EndsWith(suffix));
        var rrpcId = request.Topic[prefix.Length..^suffix.Length];
        var id = request.Json.GetProperty("id").GetString();
        Assert.Equal(rrpcId, id);
        Assert.Equal("thing.service.ping", request.Json.GetProperty("method").GetString());
        Assert.False(await device.ReceivesAsync(r => r.Topic.Contains("/rrpc/request/"), 200));

        // The SDKs answer on the very topic the call came on.
        await device.PublishAsync(request.Topic, $$"""{"id":"{{id}}","code":200,"data":{"echo":7} }""");
        var response = await call;
        Assert.Equal(id, response.Str("Data.MessageId"));
        Assert.Equal(7, JsonDocument.Parse(response.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32());
    }

    [Fact]
    public async Task An_ext_0_client_gets_sync_calls_on_the_sys_rrpc_topic()
    {
        var (d, device) = await OnlineAsync(C3);
        await using var connection = device;

        var call = server.Call("InvokeThingService", d.Args(("Identifier", "ping"), ("Args", """{"n":2}""")));
        var request = await device.NextAsync(r => r.Topic.StartsWith(device.Sys("rrpc/request/")));
        var id = request.Json.GetProperty("id").GetString();
        await device.PublishAsync(device.Sys($"rrpc/response/{id}"), $$"""{"id":"{{id}}","code":200,"data":{"echo":2} }""");
        Assert.Equal(2, JsonDocument.Parse((await call).Str("Data.Result")).RootElement.GetProperty("echo").GetInt32());
    }

    [Theory]
    [InlineData("c3")]
    [InlineData("c4")]
    [InlineData("python")]
    public async Task An_auto_subscribed_gateway_gets_topology_login_and_its_sub_devices_commands(string sdk)
    {
        var (_, gateway) = await OnlineAsync(StyleOf(sdk), nodeType: 1);
        await using var connection = gateway;
        var sub = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());

        var (clientId, ts, sign) = MessagingKit.SubSign(sub);
        var item = $$"""{"productKey":"{{sub.ProductKey}}","deviceName":"{{sub.DeviceName}}","clientId":"{{clientId}}","timestamp":"{{ts}}","signmethod":"hmacSha1","sign":"{{sign}}"}""";
        Assert.Equal(200, Code(await gateway.RequestAsync(gateway.Sys("thing/topo/add"), "thing.topo.add", $"[{item}]", subscribe: false)));
        Assert.Equal(200, Code(await gateway.RequestAsync(gateway.Sys("thing/topo/get"), "thing.topo.get", "{}", subscribe: false)));

        var session = $"/ext/session/{gateway.ProductKey}/{gateway.DeviceName}/combine/login";
        Assert.Equal(200, Code(await gateway.RequestAsync(session, "", $$"""{"productKey":"{{sub.ProductKey}}","deviceName":"{{sub.DeviceName}}","clientId":"{{clientId}}","timestamp":"{{ts}}","signMethod":"hmacsha1","sign":"{{sign}}","cleanSession":"true"}""", subscribe: false)));
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(sub, "ONLINE"));

        var subSys = $"/sys/{sub.ProductKey}/{sub.DeviceName}/";
        Assert.Equal(200, Code(await gateway.RequestAsync(subSys + "thing/event/property/post", "thing.event.property.post", """{"temperature":3}""", subscribe: false)));
        await server.Call("SetDeviceProperty", sub.Args(("Items", """{"mode":0}""")));
        Assert.Equal(0, (await gateway.NextRequestAsync(subSys + "thing/service/property/set")).GetProperty("params").GetProperty("mode").GetInt32());
    }

    [Fact]
    public async Task Shadow_replies_echo_the_client_token_and_update_replies_carry_no_state()
    {
        var (d, device) = await OnlineAsync(C3);
        await using var connection = device;
        var get = $"/shadow/get/{d.ProductKey}/{d.DeviceName}";
        var update = $"/shadow/update/{d.ProductKey}/{d.DeviceName}";

        // IOT_Shadow_Push: {"method":"update","state":{"reported":{...}},"clientToken":"pk-dn-N","version":N}
        await device.PublishAsync(update, $$"""{"method":"update","state":{"reported":{"color":"red"} },"clientToken":"{{d.ProductKey}}-{{d.DeviceName}}-1","version":1}""");
        var updated = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal($"{d.ProductKey}-{d.DeviceName}-1", updated.GetProperty("clientToken").GetString());
        Assert.Equal("reply", updated.GetProperty("method").GetString());
        var payload = updated.GetProperty("payload");
        Assert.Equal("success", payload.GetProperty("status").GetString());
        Assert.Equal(1, payload.GetProperty("version").GetInt64());
        Assert.False(payload.TryGetProperty("state", out _));
        Assert.False(payload.TryGetProperty("metadata", out _));

        await device.PublishAsync(update, $$"""{"method":"get","clientToken":"{{d.ProductKey}}-{{d.DeviceName}}-2"}""");
        var pulled = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal($"{d.ProductKey}-{d.DeviceName}-2", pulled.GetProperty("clientToken").GetString());
        Assert.Equal("red", pulled.GetProperty("payload").GetProperty("state").GetProperty("reported").GetProperty("color").GetString());

        // Errors are matched the same way.
        await device.PublishAsync(update, """{"method":"update","state":{"reported":{"color":"blue"}},"clientToken":"tok-3","version":1}""");
        var conflict = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal("tok-3", conflict.GetProperty("clientToken").GetString());
        Assert.Equal("error", conflict.GetProperty("payload").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_device_clears_desired_state_as_the_C_sdk_does_after_acting_on_it()
    {
        var (d, device) = await OnlineAsync(C3);
        await using var connection = device;
        var get = $"/shadow/get/{d.ProductKey}/{d.DeviceName}";
        var update = $"/shadow/update/{d.ProductKey}/{d.DeviceName}";
        await server.Call("UpdateDeviceShadow", d.Args(("ShadowMessage", """{"method":"update","state":{"desired":{"switch":7}},"version":1}""")));
        Assert.Equal("control", (await device.NextAsync(r => r.Topic == get)).Json.GetProperty("method").GetString());

        // What IOT_Shadow_Pull sends once it has applied desired state.
        await device.PublishAsync(update, """{"method":"update","state":{"desired":"null"},"clientToken":"pk.sdk-shadow-1-3","version":2}""");
        var cleared = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal("pk.sdk-shadow-1-3", cleared.GetProperty("clientToken").GetString());
        Assert.Equal("success", cleared.GetProperty("payload").GetProperty("status").GetString());
        var shadow = JsonDocument.Parse((await server.Call("GetDeviceShadow", d.Args())).Str("ShadowMessage")).RootElement;
        Assert.False(shadow.GetProperty("state").TryGetProperty("desired", out _));

        // Setting desired values is still the application's.
        await device.PublishAsync(update, """{"method":"update","state":{"desired":{"switch":1}},"clientToken":"t4","version":3}""");
        var refused = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal("406", refused.GetProperty("payload").GetProperty("content").GetProperty("errorcode").GetString());
    }

    [Fact]
    public async Task The_C_sdk_3_delete_with_an_empty_element_is_accepted_and_garbage_still_gets_its_token_back()
    {
        var (d, device) = await OnlineAsync(C3);
        await using var connection = device;
        var get = $"/shadow/get/{d.ProductKey}/{d.DeviceName}";
        var update = $"/shadow/update/{d.ProductKey}/{d.DeviceName}";
        await device.PublishAsync(update, """{"method":"update","state":{"reported":{"temperature":20,"humidity":40}},"clientToken":"t1","version":1}""");
        Assert.Equal("t1", (await device.NextAsync(r => r.Topic == get)).Json.GetProperty("clientToken").GetString());

        // IOT_Shadow_DeleteAttribute in 3.2.0 writes ",," after the method.
        await device.PublishAsync(update, """{"method":"delete",,"state":{"reported":{"temperature":"null"}},"clientToken":"t2","version":2}""");
        var deleted = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal("t2", deleted.GetProperty("clientToken").GetString());
        Assert.Equal("success", deleted.GetProperty("payload").GetProperty("status").GetString());
        var reported = JsonDocument.Parse((await server.Call("GetDeviceShadow", d.Args())).Str("ShadowMessage")).RootElement.GetProperty("state").GetProperty("reported");
        Assert.False(reported.TryGetProperty("temperature", out _));
        Assert.Equal(40, reported.GetProperty("humidity").GetInt32());

        // Not JSON at all: error 400, still matched by its token.
        await device.PublishAsync(update, """{"method":"update" "clientToken":"t3" oops""");
        var error = (await device.NextAsync(r => r.Topic == get)).Json;
        Assert.Equal("t3", error.GetProperty("clientToken").GetString());
        Assert.Equal("400", error.GetProperty("payload").GetProperty("content").GetProperty("errorcode").GetString());
    }
}
