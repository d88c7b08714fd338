// `thingyard device watch` against a live server: what a real MQTT device publishes arrives on the SSE stream,
// binary payloads come as base64, and the stream is scoped to the caller's account.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.Topics;

namespace Thingyard.Tests.Cli;

public sealed class WatchTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>Runs the watch and keeps publishing until it returns: the first publishes may come before the watch is in place.</summary>
    static async Task<CliResult> WatchWhilePublishingAsync(Task<CliResult> watch, Func<Task> publish)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!watch.IsCompleted && DateTime.UtcNow < until)
        {
            await publish();
            await Task.WhenAny(watch, Task.Delay(200));
        }
        Assert.True(watch.IsCompleted, "the watch did not see the messages within 20 s");
        return await watch;
    }

    /// <summary>Connected and ONLINE: the "online" note has gone out before the status is stored, so it is not what the watch sees.</summary>
    async Task<MqttDevice> ConnectOnlineAsync(TestDevice d)
    {
        var device = await server.ConnectAsync(d);
        Assert.Equal("ONLINE", await ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(d), s => s == "ONLINE"));
        return device;
    }

    [Fact]
    public async Task Watch_with_count_prints_the_property_post_as_json_lines()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using var device = await ConnectOnlineAsync(d);
        var topic = device.Sys("thing/event/property/post");

        // Two consecutive messages of post, reply, post, reply... always include a post.
        var watch = CliRun.RunAsync(server, "device", "watch", pk, d.DeviceName, "--count", "2", "--json");
        var result = await WatchWhilePublishingAsync(watch, () => device.PublishAsync(topic,
            $$"""{"id":"{{device.NextId()}}","version":"1.0","params":{"temperature":21.5},"method":"thing.event.property.post"}"""));

        Assert.True(result.Code == 0, result.Err);
        var events = result.JsonLines;
        Assert.Equal(2, events.Count);
        var up = events.First(e => e.Str("direction") == "up");
        Assert.Equal(topic, up.Str("topic"));
        Assert.Equal(21.5, JsonDocument.Parse(up.Str("payload")).RootElement.At("params.temperature").GetDouble());
        Assert.False(up.TryGetProperty("encoding", out _));
        Assert.True(up.At("time").GetInt64() > 0);
        Assert.All(events, e => Assert.Contains(e.Str("direction"), new[] { "up", "down" }));
    }

    [Fact]
    public async Task Human_output_is_one_line_per_message_with_an_arrow()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using var device = await ConnectOnlineAsync(d);
        var topic = device.Sys("thing/event/property/post");

        var watch = CliRun.RunAsync(server, "device", "watch", pk, d.DeviceName, "--count", "2");
        var result = await WatchWhilePublishingAsync(watch, () => device.PublishAsync(topic,
            $$"""{"id":"{{device.NextId()}}","version":"1.0","params":{"mode":1},"method":"thing.event.property.post"}"""));

        Assert.True(result.Code == 0, result.Err);
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains($" ↑ {topic} {{") && l.Contains("\"mode\":1"));
        Assert.All(lines, l => Assert.Matches(@"^\d\d:\d\d:\d\d\.\d\d\d [↑↓] /sys/", l));
        Assert.StartsWith($"watching {pk}/{d.DeviceName}", result.Err);
    }

    [Fact]
    public async Task Binary_payloads_come_as_base64()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using var device = await ConnectOnlineAsync(d);
        byte[] bytes = [0xff, 0x00, 0x80, 0x41];
        await server.AddTopicClassAsync(pk, "raw", "PUB");

        var watch = CliRun.RunAsync(server, "device", "watch", pk, d.DeviceName, "--count", "1", "--json");
        var result = await WatchWhilePublishingAsync(watch, () => device.Client.PublishAsync(
            new MQTTnet.MqttApplicationMessageBuilder().WithTopic($"/{pk}/{d.DeviceName}/user/raw").WithPayload(bytes).Build()));

        Assert.True(result.Code == 0, result.Err);
        var e = Assert.Single(result.JsonLines);
        Assert.Equal("up", e.Str("direction"));
        Assert.Equal("base64", e.Str("encoding"));
        Assert.Equal(bytes, Convert.FromBase64String(e.Str("payload")));
    }

    [Fact]
    public async Task Another_accounts_device_cannot_be_watched()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var other = await server.NewAccountAsync("watcher");

        var result = await CliRun.RunAsync(CliRun.Environment(server, other), "device", "watch", pk, d.DeviceName, "--count", "1");

        Assert.Equal(1, result.Code);
        Assert.Equal("", result.Out);
        Assert.StartsWith("error: iot.device.NotExistedDevice: ", result.Err);
    }

    [Fact]
    public async Task The_stream_endpoint_is_in_the_open_api_document()
    {
        using var http = server.Http();
        var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement;
        var path = doc.At("paths").GetProperty("/api/v1/products/{productKey}/devices/{deviceName}/messages");
        var ok = path.At("get.responses").GetProperty("200");
        Assert.True(ok.At("content").TryGetProperty("text/event-stream", out _), ok.ToString());
    }

    [Fact]
    public async Task Wrong_key_is_refused_with_the_problem_title()
    {
        var pk = await server.NewModelledProductAsync();
        var env = CliRun.Environment(server);
        env["THINGYARD_ACCESS_KEY_SECRET"] = "not-the-secret";

        var result = await CliRun.RunAsync(env, "device", "watch", pk, "nobody-here", "--count", "1");

        Assert.Equal(1, result.Code);
        Assert.StartsWith("error: Unauthorized: ", result.Err);
    }
}
