// Per-message size and per-device rate limits on device publishes: excess is dropped and counted, the connection stays.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Devices;

/// <summary>A server with a 1 KiB payload limit and 5 messages per second per device.</summary>
public sealed class LimitedServer : ThingyardServer
{
    public const int MaxPayloadBytes = 1024;
    public const int PerSecond = 5;

    public LimitedServer()
    {
        Settings["Thingyard:Mqtt:MaxPayloadBytes"] = MaxPayloadBytes.ToString();
        Settings["Thingyard:Mqtt:MessagesPerSecondPerDevice"] = PerSecond.ToString();
    }
}

public sealed class UplinkLimitTests(LimitedServer server) : IClassFixture<LimitedServer>
{
    ConnectivityStats Stats => server.Services.GetRequiredService<ConnectivityStats>();

    [Fact]
    public async Task An_oversized_payload_is_dropped_and_the_connection_stays()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        await device.SubscribeAsync(device.Sys("thing/event/property/post_reply"));
        var before = Stats.Oversized;

        var padding = new string('x', LimitedServer.MaxPayloadBytes);
        var big = $$"""{"id":"big","version":"1.0","params":{"temperature":50.5},"method":"thing.event.property.post","pad":"{{padding}}"}""";
        var acked = await device.PublishAsync(device.Sys("thing/event/property/post"), big, qos: 1);
        Assert.True(acked.IsSuccess);
        Assert.Equal(before + 1, Stats.Oversized);

        // A message of ordinary size still goes through.
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":12.5}""", qos: 1);
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        Assert.False(await device.ReceivesAsync(r => r.Payload.Contains("\"big\""), 1));
        Assert.Equal(["12.5"], (await server.SamplesAsync(d)).Select(s => s.Value));
    }

    [Fact]
    public async Task Publishes_above_the_per_device_rate_are_dropped()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        await device.SubscribeAsync(device.Sys("thing/event/property/post_reply"));
        var before = Stats.Throttled;

        // Far more than the budget, sent back to back: whatever windows they fall in, most are over it.
        const int sent = 60;
        for (var i = 0; i < sent; i++)
            await device.PublishAsync(device.Sys("thing/event/property/post"),
                $$"""{"id":"r{{i}}","version":"1.0","params":{"mode":{{i % 2}}},"method":"thing.event.property.post"}""", qos: 1);

        var throttled = Stats.Throttled - before;
        Assert.True(throttled > 0, "nothing was throttled");
        Assert.True(device.Client.IsConnected);
        var stored = (await server.SamplesAsync(d)).Count;
        Assert.Equal(sent, stored + throttled);
        Assert.InRange(stored, LimitedServer.PerSecond, sent - 1);
    }

    [Fact]
    public async Task Mqtt5_clients_learn_from_the_puback_why_a_publish_was_dropped()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var other = await server.NewTestDeviceAsync(pk);
        await using var device = await DeviceKit.ConnectAsync(server, d, new ConnectStyle { Protocol = MQTTnet.Formatter.MqttProtocolVersion.V500 });
        var post = device.Sys("thing/event/property/post");

        var ok = await device.PublishAsync(post, """{"id":"1","version":"1.0","params":{"mode":1},"method":"thing.event.property.post"}""", qos: 1);
        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.Success, ok.ReasonCode);

        var big = await device.PublishAsync(post, new string('x', LimitedServer.MaxPayloadBytes + 1), qos: 1);
        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.ImplementationSpecificError, big.ReasonCode);
        Assert.Contains("limit", big.ReasonString);

        var foreign = await device.PublishAsync($"/sys/{other.ProductKey}/{other.DeviceName}/thing/event/property/post", "{}", qos: 1);
        Assert.Equal(MQTTnet.MqttClientPublishReasonCode.NotAuthorized, foreign.ReasonCode);

        var codes = new List<MQTTnet.MqttClientPublishReasonCode>();
        for (var i = 0; i < 30; i++) codes.Add((await device.PublishAsync(post, "{}", qos: 1)).ReasonCode);
        Assert.Contains(MQTTnet.MqttClientPublishReasonCode.QuotaExceeded, codes);
        Assert.True(device.Client.IsConnected);
    }
}
