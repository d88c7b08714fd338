// A custom-format product end to end over MQTT, the device behaving as the C Link SDK does for raw data: it
// subscribes to thing/model/up_raw_reply and thing/model/down_raw, publishes its own bytes on thing/model/up_raw and
// answers downlinks with bytes on thing/model/down_raw_reply. Custom-topic payloads go through transformPayload to
// an AMQP consumer group (the rhea client of tests/compat).
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Subscriptions;

namespace Thingyard.Tests.Scripts;

public sealed class ScriptMessageTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<(TestDevice D, MqttDevice Device)> RawDeviceAsync()
    {
        var pk = await server.NewCustomProductAsync();
        await server.SubmitScriptAsync(pk);
        var d = await server.NewTestDeviceAsync(pk);
        var device = await server.ConnectAsync(d);
        await device.SubscribeAsync(device.Sys("thing/model/up_raw_reply"));
        await device.SubscribeAsync(device.Sys("thing/model/down_raw"));
        return (d, device);
    }

    static (string, string)[] Args(TestDevice d, params (string, string)[] more) => [("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName), .. more];

    [Fact]
    public async Task Raw_bytes_on_up_raw_are_stored_as_properties_and_the_reply_comes_back_as_bytes()
    {
        var (d, device) = await RawDeviceAsync();
        await using var connection = device;

        await device.PublishAsync(device.Sys("thing/model/up_raw"), ScriptSamples.Report(4711, -123, 1), qos: 1);
        var reply = await device.NextAsync(r => r.Topic == device.Sys("thing/model/up_raw_reply"));
        // 0x02, the request id 4711 (0x00001267), code 200.
        Assert.Equal(new byte[] { 0x02, 0x00, 0x00, 0x12, 0x67, 0xc8 }, reply.Bytes);

        // The reply goes out as the message is handled; the values are committed right after.
        var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryDevicePropertyStatus", Args(d)),
            r => r.At("Data.List.PropertyStatusInfo").EnumerateArray().Any(p => p.Str("Identifier") == "mode" && p.TryGetProperty("Value", out _)));
        var byId = status.At("Data.List.PropertyStatusInfo").EnumerateArray().ToDictionary(p => p.Str("Identifier"));
        Assert.Equal("-12.3", byId["temperature"].Str("Value"));
        Assert.Equal("1", byId["mode"].Str("Value"));
    }

    [Fact]
    public async Task A_property_set_reaches_the_device_as_bytes_on_down_raw_and_a_sync_call_gets_the_raw_answer()
    {
        var (d, device) = await RawDeviceAsync();
        await using var connection = device;

        var set = await server.Call("SetDeviceProperty", Args(d, ("Items", """{"temperature":30,"mode":0}""")));
        var id = int.Parse(set.Str("Data.MessageId"));
        var frame = await device.NextAsync(r => r.Topic == device.Sys("thing/model/down_raw"));
        Assert.Equal(new byte[] { 0x01, (byte)(id >> 24), (byte)(id >> 16), (byte)(id >> 8), (byte)id, 0x01, 0x2c, 0x00 }, frame.Bytes);
        await device.PublishAsync(device.Sys("thing/model/down_raw_reply"), ScriptSamples.SetAck(id, 200));

        // A sync service: the answer on down_raw_reply completes the call.
        var call = server.Call("InvokeThingService", Args(d, ("Identifier", "ping"), ("Args", """{"n":5}""")));
        var request = await device.NextAsync(r => r.Topic == device.Sys("thing/model/down_raw") && r.Bytes[0] == 0x04);
        Assert.Equal(5, request.Bytes[5]);
        var callId = (request.Bytes[1] << 24) | (request.Bytes[2] << 16) | (request.Bytes[3] << 8) | request.Bytes[4];
        await device.PublishAsync(device.Sys("thing/model/down_raw_reply"), ScriptSamples.SetAck(callId, 200));
        var answered = await call;
        Assert.Equal(callId.ToString(), answered.Str("Data.MessageId"));
        Assert.Equal("{}", answered.Str("Data.Result"));
    }

    [Fact]
    public async Task A_frame_the_script_fails_on_is_dropped_and_counted_and_the_device_goes_on()
    {
        var (d, device) = await RawDeviceAsync();
        await using var connection = device;
        await device.PublishAsync(device.Sys("thing/model/up_raw"), [0x09, 0x01], qos: 1); // unknown command: the script throws
        await device.PublishAsync(device.Sys("thing/model/up_raw"), ScriptSamples.Report(1, 215, 0), qos: 1);
        var reply = await device.NextAsync(r => r.Topic == device.Sys("thing/model/up_raw_reply"));
        Assert.Equal(0x02, reply.Bytes[0]);
        Assert.Equal("ONLINE", await server.StatusAsync(d));

        var script = (await server.Call("GetThingScript", ("ProductKey", d.ProductKey))).At("Data");
        Assert.Equal(1, script.GetProperty("FailureCount").GetInt64());
        Assert.Contains("unknown command 9", script.Str("LastFailure"));
    }

    [Fact]
    public async Task A_custom_format_product_without_a_script_refuses_downlinks_with_the_reason()
    {
        var pk = await server.NewCustomProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using var device = await server.ConnectAsync(d);
        var refused = await server.Fails("SetDeviceProperty", Args(d, ("Items", """{"mode":1}""")));
        Assert.Equal("iot.script.NotExistedScript", refused.Code);
        Assert.Contains("custom-format", refused.Message);
    }

    [Fact]
    public async Task A_custom_topic_payload_reaches_the_consumer_group_as_transformPayload_made_it()
    {
        var (d, device) = await RawDeviceAsync();
        await using var connection = device;
        var group = (await server.Call("CreateConsumerGroup", ("GroupName", RegistryCalls.Unique("tp")))).Str("GroupId");
        await server.SubscribeAsync(d.ProductKey, false, group);
        await using var app = AmqpConsumers.Start(server, group, count: 1);
        await app.NextAsync("ready");

        var topic = $"/{d.ProductKey}/{d.DeviceName}/user/update";
        await device.PublishAsync(topic, "t=21.5;state=ok", qos: 1);
        var message = await app.NextAsync("message");
        Assert.Equal(topic, message.GetProperty("topic").GetString());
        var body = JsonDocument.Parse(message.GetProperty("body").GetString()!).RootElement;
        Assert.Equal(21.5, body.GetProperty("t").GetDouble());
        Assert.Equal("ok", body.GetProperty("state").GetString());
    }
}
