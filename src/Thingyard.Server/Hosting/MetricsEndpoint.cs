// GET /metrics: the server's counters in the Prometheus text format, for whatever scrapes them. Counts only (no
// device, product or account names), so it is served without credentials like /health.
using System.Globalization;
using System.Text;
using Thingyard.Accounts;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Distribution;
using Thingyard.Storage;
using Thingyard.Telemetry;

namespace Thingyard.Server.Hosting;

public static class MetricsEndpoint
{
    public static void MapMetrics(this WebApplication app) => app.MapGet("/metrics", (DeviceSessions sessions, ConnectivityStats mqtt,
        TelemetryPipeline telemetry, WalCheckpointer checkpoints, PeerClient peers, AuthThrottle auth, StorageHealth storage) =>
    {
        var text = new StringBuilder();
        void Metric(string name, string type, string help, params (string Labels, double Value)[] samples)
        {
            text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, value) in samples)
                text.Append(name).Append(labels.Length > 0 ? "{" + labels + "}" : "").Append(' ')
                    .Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        Metric("thingyard_mqtt_devices_connected", "gauge", "Devices connected to this instance's broker (gateways count once).", ("", sessions.Count));
        Metric("thingyard_mqtt_connects_refused_total", "counter", "CONNECTs refused (bad credentials, disabled, bad keepalive, ...).", ("", mqtt.RefusedConnects));
        Metric("thingyard_mqtt_sockets_refused_total", "counter", "MQTT sockets closed before reading: connection caps, TLS handshake failures or timeouts.", ("", mqtt.RefusedSockets));
        Metric("thingyard_mqtt_packets_oversized_total", "counter", "MQTT connections closed for declaring a packet over the size limit.", ("", mqtt.OversizedPackets));
        Metric("thingyard_mqtt_subscriptions_refused_total", "counter", "SUBSCRIBEs refused by the topic ACL.", ("", mqtt.RefusedSubscriptions));
        Metric("thingyard_mqtt_publishes_accepted_total", "counter", "Device publishes accepted for handling.", ("", mqtt.AcceptedPublishes));
        Metric("thingyard_mqtt_publishes_dropped_total", "counter", "Device publishes dropped, by reason.",
            ("reason=\"foreign_topic\"", mqtt.ForeignPublishes), ("reason=\"oversized\"", mqtt.Oversized), ("reason=\"throttled\"", mqtt.Throttled));
        Metric("thingyard_tls_handshakes_failed_total", "counter", "TLS handshakes that failed on the device ports (MQTT over TLS, device HTTPS).", ("", mqtt.TlsHandshakeFailures));
        Metric("thingyard_alink_bad_payloads_total", "counter", "Publishes on Alink topics whose payload was not an Alink request.", ("", mqtt.BadPayloads));
        Metric("thingyard_telemetry_written_total", "counter", "Telemetry entries committed (properties, events, service calls, status).", ("", telemetry.Written));
        Metric("thingyard_telemetry_batches_total", "counter", "Telemetry transactions committed.", ("", telemetry.Batches));
        Metric("thingyard_telemetry_failed_total", "counter", "Telemetry entries that could not be written (logged with the reason, or refused while storage is faulted).", ("", telemetry.Failed));
        Metric("thingyard_telemetry_queued", "gauge", "Telemetry entries accepted and waiting for the writer.", ("", telemetry.Queued));
        Metric("thingyard_storage_faulted", "gauge", "1 while storage is faulted (nothing is acknowledged as stored; /health/ready says why), else 0.", ("", storage.Current is null ? 0 : 1));
        Metric("thingyard_sqlite_checkpoints_total", "counter", "Background write-ahead-log checkpoints (SQLite only).", ("", checkpoints.Runs));
        Metric("thingyard_sqlite_log_rewinds_total", "counter", "Times the telemetry writer rewound the write-ahead log (SQLite only).", ("", checkpoints.Restarts));
        Metric("thingyard_federation_peer_calls_total", "counter", "Signed calls made to peer instances.", ("", peers.Calls));
        Metric("thingyard_auth_lockouts_total", "counter", "Lockouts after too many failed credential checks (MQTT, REST, RPC), by what was locked out.",
            ("kind=\"address\"", auth.AddressLockouts), ("kind=\"identity\"", auth.IdentityLockouts));
        Metric("thingyard_auth_refused_total", "counter", "Attempts refused unchecked during a lockout.", ("", auth.Refused));
        return Results.Text(text.ToString(), "text/plain; version=0.0.4; charset=utf-8");
    }).ExcludeFromDescription();
}
