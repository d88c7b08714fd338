// GET /metrics: the broker's and writer's counters in the Prometheus text format, moving with real traffic, and naming
// no device.
using System.Globalization;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;

namespace Thingyard.Tests.Connectivity;

public sealed class MetricsTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<Dictionary<string, double>> ScrapeAsync()
    {
        using var http = server.Http(); // no credentials
        using var response = await http.GetAsync("/metrics");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ')).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Counters_follow_connections_posts_and_drops()
    {
        var before = await ScrapeAsync();
        var (d, device) = await server.OnlineDeviceAsync();
        await using var _ = device;
        // QoS 1: the PUBACK comes after the commit, so the writer's counters have moved when this returns.
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":22.5}""", qos: 1);
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        await device.PublishAsync("/sys/a1NotMine0000/someone/thing/event/property/post", "{}", qos: 1);

        var after = await ScrapeAsync();
        Assert.True(after["thingyard_mqtt_devices_connected"] >= 1);
        Assert.True(after["thingyard_mqtt_publishes_accepted_total"] > before["thingyard_mqtt_publishes_accepted_total"]);
        Assert.True(after["thingyard_mqtt_publishes_dropped_total{reason=\"foreign_topic\"}"] > before["thingyard_mqtt_publishes_dropped_total{reason=\"foreign_topic\"}"]);
        Assert.True(after["thingyard_telemetry_written_total"] > before["thingyard_telemetry_written_total"]);
        Assert.Contains("thingyard_sqlite_checkpoints_total", after.Keys);

        using var http = server.Http();
        var text = await http.GetStringAsync("/metrics");
        Assert.DoesNotContain(d.DeviceName, text);
        Assert.DoesNotContain(d.ProductKey, text);
    }
}
