// Alink messages from devices: property, event and batch reports checked against the thing model, replies that echo the
// id exactly, sys.ack, device tags (deviceinfo), NTP, and what a malformed or unknown message gets back.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class AlinkMessageTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string PropertyPost = "thing.event.property.post";

    async Task<(TestDevice, MqttDevice)> ConnectNewAsync()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        return (d, await server.ConnectAsync(d));
    }

    static Task<JsonElement> PostAsync(MqttDevice device, string paramsJson, string? id = null) =>
        device.RequestAsync(device.Sys("thing/event/property/post"), PropertyPost, paramsJson, qos: 1, id: id);

    static int Code(JsonElement reply) => reply.GetProperty("code").GetInt32();

    async Task<List<(string Identifier, string Type, long TimeMs, string Output)>> EventsAsync(TestDevice d)
    {
        var id = (await server.DeviceRowAsync(d)).Id;
        await using var db = await server.DbAsync();
        return (await db.Events.AsNoTracking().Where(e => e.DeviceId == id).OrderBy(e => e.Id).ToListAsync())
            .Select(e => (e.Identifier, e.EventType, e.TimeMs, e.OutputData)).ToList();
    }

    [Fact]
    public async Task Property_post_takes_bare_values_and_value_time_pairs()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        var reply = await PostAsync(device, """{"temperature":21.5}""");
        Assert.Equal(200, Code(reply));
        Assert.Equal("success", reply.GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Object, reply.GetProperty("data").ValueKind);

        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds();
        Assert.Equal(200, Code(await PostAsync(device, $$$"""{"temperature":{"value":22.5,"time":{{{at}}}},"mode":1}""")));

        Assert.Equal([("temperature", "21.5"), ("temperature", "22.5"), ("mode", "1")], await server.SamplesAsync(d));
        await using var db = await server.DbAsync();
        var deviceId = (await server.DeviceRowAsync(d)).Id;
        Assert.Equal(at, (await db.PropertySamples.AsNoTracking().SingleAsync(p => p.DeviceId == deviceId && p.Value == "22.5")).TimeMs);
        // The report carrying an older device time goes into history but does not replace the latest value.
        var latest = await db.PropertyLatest.AsNoTracking().FirstAsync(p => p.DeviceId == deviceId && p.Identifier == "temperature");
        Assert.Equal("21.5", latest.Value);
    }

    [Theory]
    [InlineData("1|exp-topic|/sys/{pk}/{dn}/thing/event/property/post_reply")]
    [InlineData("4294967295")]
    [InlineData("not-a-number")]
    [InlineData("")]
    public async Task Reply_echoes_a_string_id_verbatim(string idTemplate)
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        var id = idTemplate.Replace("{pk}", d.ProductKey).Replace("{dn}", d.DeviceName);
        var reply = await PostAsync(device, """{"temperature":21.5}""", id);
        Assert.Equal(JsonValueKind.String, reply.GetProperty("id").ValueKind);
        Assert.Equal(id, reply.GetProperty("id").GetString());
        Assert.Equal(200, Code(reply));
    }

    [Fact]
    public async Task Reply_echoes_a_numeric_id_as_a_number()
    {
        var (_, device) = await ConnectNewAsync();
        await using var __ = device;
        await device.SubscribeAsync(device.Sys("thing/event/property/post_reply"));
        await device.PublishAsync(device.Sys("thing/event/property/post"), """{"id":12345,"version":"1.0","params":{"mode":0},"method":"thing.event.property.post"}""");
        var reply = (await device.NextAsync(r => r.Topic.EndsWith("post_reply"))).Json;
        Assert.Equal(JsonValueKind.Number, reply.GetProperty("id").ValueKind);
        Assert.Equal(12345, reply.GetProperty("id").GetInt32());
        Assert.Equal(200, Code(reply));
    }

    [Fact]
    public async Task Sys_ack_0_stores_the_report_without_a_reply()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        await device.SubscribeAsync(device.Sys("thing/event/property/post_reply"));
        await device.PublishAsync(device.Sys("thing/event/property/post"),
            """{"id":"silent","version":"1.0","sys":{"ack":0},"params":{"temperature":30.5},"method":"thing.event.property.post"}""", qos: 1);
        // Replies keep order: once the next one is here, one for "silent" would have come first.
        Assert.Equal(200, Code(await PostAsync(device, """{"temperature":31.5}""", "loud")));
        Assert.False(await device.ReceivesAsync(r => r.Payload.Contains("\"silent\""), 1));
        Assert.Equal(["30.5", "31.5"], (await server.SamplesAsync(d)).Select(s => s.Value));
    }

    [Fact]
    public async Task Values_outside_the_thing_model_get_460_with_the_reason_and_nothing_is_stored()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        var tooHot = await PostAsync(device, """{"temperature":500}""");
        Assert.Equal(460, Code(tooHot));
        Assert.Equal("temperature: 500 is above max 120", tooHot.GetProperty("message").GetString());

        // One bad value rejects the whole message, the good ones in it included.
        var mixed = await PostAsync(device, """{"temperature":21.5,"mode":7}""");
        Assert.Equal(460, Code(mixed));
        Assert.Contains("mode", mixed.GetProperty("message").GetString());
        var wrongType = await PostAsync(device, """{"serial":42}""");
        Assert.Equal(460, Code(wrongType));
        Assert.Contains("serial: must be a string", wrongType.GetProperty("message").GetString());

        var unknown = await PostAsync(device, """{"humidity":50}""");
        Assert.Equal(460, Code(unknown));
        Assert.Equal("humidity: no such property in the thing model", unknown.GetProperty("message").GetString());

        var stale = DateTimeOffset.UtcNow.AddDays(-2).ToUnixTimeMilliseconds();
        var old = await PostAsync(device, $$$"""{"temperature":{"value":20.5,"time":{{{stale}}}}}""");
        Assert.Equal(460, Code(old));
        Assert.Contains("24 h", old.GetProperty("message").GetString());

        Assert.Equal(460, Code(await PostAsync(device, "{}")));
        Assert.Equal(460, Code(await PostAsync(device, "[1,2]")));

        Assert.Equal(200, Code(await PostAsync(device, """{"mode":1}""")));
        Assert.Equal([("mode", "1")], await server.SamplesAsync(d));
        await using var db = await server.DbAsync();
        var deviceId = (await server.DeviceRowAsync(d)).Id;
        Assert.Equal(["mode"], await db.PropertyLatest.AsNoTracking().Where(p => p.DeviceId == deviceId).Select(p => p.Identifier).ToListAsync());
    }

    [Fact]
    public async Task A_payload_that_is_not_json_gets_460()
    {
        var (_, device) = await ConnectNewAsync();
        await using var __ = device;
        await device.SubscribeAsync(device.Sys("thing/event/property/post_reply"));
        await device.PublishAsync(device.Sys("thing/event/property/post"), "{not json");
        var reply = (await device.NextAsync(r => r.Topic.EndsWith("post_reply"))).Json;
        Assert.Equal(460, Code(reply));
        Assert.Contains("JSON", reply.GetProperty("message").GetString());
        Assert.True(device.Client.IsConnected);
    }

    [Fact]
    public async Task Event_post_takes_raw_outputs_and_the_documented_value_time_form()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        var topic = device.Sys("thing/event/overheat/post");
        Assert.Equal(200, Code(await device.RequestAsync(topic, "thing.event.overheat.post", """{"temp":80.5}""", qos: 1)));
        var at = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        Assert.Equal(200, Code(await device.RequestAsync(topic, "thing.event.overheat.post", $$$"""{"value":{"temp":81.5},"time":{{{at}}}}""", qos: 1)));

        var bad = await device.RequestAsync(topic, "thing.event.overheat.post", """{"temp":500}""", qos: 1);
        Assert.Equal(460, Code(bad));
        Assert.Contains("temp", bad.GetProperty("message").GetString());
        var unknown = await device.RequestAsync(device.Sys("thing/event/meltdown/post"), "thing.event.meltdown.post", """{"x":1}""", qos: 1);
        Assert.Equal(460, Code(unknown));

        var events = await EventsAsync(d);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("overheat", "alert"), (e.Identifier, e.Type)));
        Assert.Equal("""{"temp":80.5}""", events[0].Output);
        Assert.Equal("""{"temp":81.5}""", events[1].Output);
        Assert.Equal(at, events[1].TimeMs);
    }

    [Fact]
    public async Task Batch_post_stores_every_property_and_event_or_none()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        var topic = device.Sys("thing/event/property/batch/post");
        const string method = "thing.event.property.batch.post";
        var t1 = DateTimeOffset.UtcNow.AddSeconds(-20).ToUnixTimeMilliseconds();
        var t2 = t1 + 10_000;

        var bad = await device.RequestAsync(topic, method,
            $$$"""{"properties":{"temperature":[{"value":20.5,"time":{{{t1}}}},{"value":900,"time":{{{t2}}}}]}}""", qos: 1);
        Assert.Equal(460, Code(bad));
        Assert.Contains("properties.temperature[1]", bad.GetProperty("message").GetString());

        var ok = await device.RequestAsync(topic, method, $$$"""
            {"properties":{"temperature":[{"value":20.1,"time":{{{t1}}}},{"value":20.2,"time":{{{t2}}}}],"mode":[{"value":1,"time":{{{t2}}}}]},
             "events":{"overheat":[{"value":{"temp":90.5},"time":{{{t2}}}}]}}
            """, qos: 1);
        Assert.Equal(200, Code(ok));

        Assert.Equal([("temperature", "20.1"), ("temperature", "20.2"), ("mode", "1")], await server.SamplesAsync(d));
        var ev = Assert.Single(await EventsAsync(d));
        Assert.Equal(("overheat", t2, """{"temp":90.5}"""), (ev.Identifier, ev.TimeMs, ev.Output));
    }

    [Fact]
    public async Task Deviceinfo_update_and_delete_change_the_device_tags()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        var update = await device.RequestAsync(device.Sys("thing/deviceinfo/update"), "thing.deviceinfo.update",
            """[{"attrKey":"room","attrValue":"kitchen"},{"attrKey":"floor","attrValue":"2"}]""");
        Assert.Equal(200, Code(update));
        var props = await QueryPropsAsync(d);
        Assert.Equal("kitchen", props.GetProperty("room").GetString());
        Assert.Equal("2", props.GetProperty("floor").GetString());

        var delete = await device.RequestAsync(device.Sys("thing/deviceinfo/delete"), "thing.deviceinfo.delete", """[{"attrKey":"room"}]""");
        Assert.Equal(200, Code(delete));
        props = await QueryPropsAsync(d);
        Assert.False(props.TryGetProperty("room", out var __));
        Assert.Equal("2", props.GetProperty("floor").GetString());

        var invalid = await device.RequestAsync(device.Sys("thing/deviceinfo/update"), "thing.deviceinfo.update", """[{"attrKey":"bad key!","attrValue":"x"}]""");
        Assert.Equal(460, Code(invalid));
        Assert.Equal(460, Code(await device.RequestAsync(device.Sys("thing/deviceinfo/update"), "thing.deviceinfo.update", """{"attrKey":"room"}""")));
    }

    async Task<JsonElement> QueryPropsAsync(TestDevice d)
    {
        var result = await server.Call("QueryDeviceProp", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName));
        return JsonDocument.Parse(result.Str("Props")).RootElement;
    }

    [Fact]
    public async Task Ntp_request_gets_the_device_time_back_with_the_server_times()
    {
        var (d, device) = await ConnectNewAsync();
        await using var _ = device;
        await device.SubscribeAsync($"/ext/ntp/{d.ProductKey}/{d.DeviceName}/response");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await device.PublishAsync($"/ext/ntp/{d.ProductKey}/{d.DeviceName}/request", """{"deviceSendTime":"1571724098000"}""");
        var response = (await device.NextAsync(r => r.Topic.EndsWith("/response"))).Json;
        Assert.Equal("1571724098000", response.GetProperty("deviceSendTime").GetString());
        var received = long.Parse(response.GetProperty("serverRecvTime").GetString()!);
        var sent = long.Parse(response.GetProperty("serverSendTime").GetString()!);
        Assert.InRange(received, before - 1000, sent);
        Assert.True(sent <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Unknown_thing_topics_get_an_error_reply()
    {
        var (_, device) = await ConnectNewAsync();
        await using var __ = device;
        var unknown = await device.RequestAsync(device.Sys("thing/nothing/here"), "thing.nothing.here", "{}");
        Assert.Equal(6203, Code(unknown));
        Assert.True(device.Client.IsConnected);
    }
}
