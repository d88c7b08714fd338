// GET /metrics: the broker's and writer's counters in the Prometheus text format, moving with real traffic, and naming
// no device; every series name of the exposition is still there.
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
        return MetricsText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The series /metrics has served since before the exporter (a rename breaks dashboards and alerts).</summary>
    static readonly string[] Series =
    [
        "thingyard_mqtt_devices_connected", "thingyard_mqtt_connects_refused_total", "thingyard_mqtt_sockets_refused_total",
        "thingyard_mqtt_packets_oversized_total", "thingyard_mqtt_subscriptions_refused_total", "thingyard_mqtt_publishes_accepted_total",
        "thingyard_mqtt_publishes_dropped_total{reason=\"foreign_topic\"}", "thingyard_mqtt_publishes_dropped_total{reason=\"oversized\"}",
        "thingyard_mqtt_publishes_dropped_total{reason=\"throttled\"}", "thingyard_mqtt_publishes_dropped_total{reason=\"topic_class\"}", "thingyard_tls_handshakes_failed_total",
        "thingyard_alink_bad_payloads_total", "thingyard_scripts_failures_total", "thingyard_telemetry_written_total", "thingyard_telemetry_batches_total",
        "thingyard_telemetry_failed_total", "thingyard_telemetry_queued", "thingyard_storage_faulted", "thingyard_sqlite_checkpoints_total",
        "thingyard_sqlite_log_rewinds_total", "thingyard_federation_peer_calls_total", "thingyard_auth_lockouts_total{kind=\"address\"}",
        "thingyard_auth_lockouts_total{kind=\"identity\"}", "thingyard_auth_refused_total",
    ];

    [Fact]
    public async Task Each_server_in_a_process_serves_only_its_own_counts()
    {
        var (_, device) = await server.OnlineDeviceAsync();
        await using var _ = device;
        var other = new ThingyardServer();
        await other.InitializeAsync();
        try
        {
            using var http = other.Http();
            var theirs = MetricsText.Parse(await http.GetStringAsync("/metrics")); // one series each, or Parse throws
            Assert.Equal(0, theirs["thingyard_mqtt_devices_connected"]);
            Assert.True((await ScrapeAsync())["thingyard_mqtt_devices_connected"] >= 1);
        }
        finally { await other.DisposeAsync(); }
    }

    [Fact]
    public async Task Every_series_keeps_its_name_and_type_and_nothing_else_is_served()
    {
        var series = await ScrapeAsync();
        Assert.Equal(Series.Order(StringComparer.Ordinal), series.Keys.Order(StringComparer.Ordinal));
        using var http = server.Http();
        var text = await http.GetStringAsync("/metrics");
        Assert.Contains("# TYPE thingyard_mqtt_publishes_accepted_total counter\n", text);
        Assert.Contains("# TYPE thingyard_mqtt_devices_connected gauge\n", text);
        Assert.Contains("# HELP thingyard_storage_faulted 1 while storage is faulted", text);
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

/// <summary>Reads the Prometheus text exposition into series -> value. A series without labels is keyed by its bare name,
/// however the exporter writes it (`name 1` or `name{} 1`).</summary>
public static class MetricsText
{
    public static Dictionary<string, double> Parse(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ')).ToDictionary(p => p[0].EndsWith("{}", StringComparison.Ordinal) ? p[0][..^2] : p[0],
                p => double.Parse(p[1], CultureInfo.InvariantCulture));
}
