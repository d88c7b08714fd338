// The server's counters as System.Diagnostics.Metrics instruments on this host's "Thingyard" meter, served at /metrics
// (Observability.cs). Each count stays a plain Interlocked field beside the code that counts (ConnectivityStats,
// TelemetryPipeline, AuthThrottle, ...): one atomic add on the MQTT hot path, whoever listens. The instruments here
// are observable: a scrape reads those fields. Counts only (no device, product or account names), so /metrics is
// served without credentials like /health.
//
// Prometheus names: dots become underscores and counters get "_total" (thingyard.mqtt.connects_refused ->
// thingyard_mqtt_connects_refused_total). The names are an interface: docs, dashboards and tests use them.
using System.Diagnostics.Metrics;
using Thingyard.Accounts;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Distribution;
using Thingyard.Storage;
using Thingyard.Telemetry;

namespace Thingyard.Server.Hosting;

public sealed class ServerMetrics
{
    public Meter Meter { get; }

    public ServerMetrics(IMeterFactory meters, DeviceSessions sessions, ConnectivityStats mqtt, TelemetryPipeline telemetry,
        WalCheckpointer checkpoints, PeerClient peers, AuthThrottle auth, StorageHealth storage)
    {
        // From the host's factory: another Thingyard host in the same process (tests, the benchmark) has its own meter,
        // and each /metrics shows only its own host's (Observability enables the meter in local scope only).
        var m = Meter = meters.Create(Observability.Name);

        m.CreateObservableGauge("thingyard.mqtt.devices_connected", () => sessions.Count,
            description: "Devices connected to this instance's broker (gateways count once).");
        Counter(m, "thingyard.mqtt.connects_refused", () => mqtt.RefusedConnects, "CONNECTs refused (bad credentials, disabled, bad keepalive, ...).");
        Counter(m, "thingyard.mqtt.sockets_refused", () => mqtt.RefusedSockets, "MQTT sockets closed before reading: connection caps, TLS handshake failures or timeouts.");
        Counter(m, "thingyard.mqtt.packets_oversized", () => mqtt.OversizedPackets, "MQTT connections closed for declaring a packet over the size limit.");
        Counter(m, "thingyard.mqtt.subscriptions_refused", () => mqtt.RefusedSubscriptions, "SUBSCRIBEs refused by the topic ACL (topic classes included).");
        Counter(m, "thingyard.mqtt.publishes_accepted", () => mqtt.AcceptedPublishes, "Device publishes accepted for handling.");
        m.CreateObservableCounter("thingyard.mqtt.publishes_dropped", () => new[]
        {
            Labelled(mqtt.ForeignPublishes, "reason", "foreign_topic"),
            Labelled(mqtt.UnclassedPublishes, "reason", "topic_class"),
            Labelled(mqtt.Oversized, "reason", "oversized"),
            Labelled(mqtt.Throttled, "reason", "throttled"),
        }, description: "Device publishes dropped, by reason.");
        Counter(m, "thingyard.tls.handshakes_failed", () => mqtt.TlsHandshakeFailures, "TLS handshakes that failed on the device ports (MQTT over TLS, device HTTPS).");
        Counter(m, "thingyard.alink.bad_payloads", () => mqtt.BadPayloads, "Publishes on Alink topics whose payload was not an Alink request.");
        Counter(m, "thingyard.telemetry.written", () => telemetry.Written, "Telemetry entries committed (properties, events, service calls, status).");
        Counter(m, "thingyard.telemetry.batches", () => telemetry.Batches, "Telemetry transactions committed.");
        Counter(m, "thingyard.telemetry.failed", () => telemetry.Failed, "Telemetry entries that could not be written (logged with the reason, or refused while storage is faulted).");
        m.CreateObservableGauge("thingyard.telemetry.queued", () => telemetry.Queued,
            description: "Telemetry entries accepted and waiting for the writer.");
        m.CreateObservableGauge("thingyard.storage.faulted", () => storage.Current is null ? 0 : 1,
            description: "1 while storage is faulted (nothing is acknowledged as stored; /health/ready says why), else 0.");
        Counter(m, "thingyard.sqlite.checkpoints", () => checkpoints.Runs, "Background write-ahead-log checkpoints (SQLite only).");
        Counter(m, "thingyard.sqlite.log_rewinds", () => checkpoints.Restarts, "Times the telemetry writer rewound the write-ahead log (SQLite only).");
        Counter(m, "thingyard.federation.peer_calls", () => peers.Calls, "Signed calls made to peer instances.");
        m.CreateObservableCounter("thingyard.auth.lockouts", () => new[]
        {
            Labelled(auth.AddressLockouts, "kind", "address"),
            Labelled(auth.IdentityLockouts, "kind", "identity"),
        }, description: "Lockouts after too many failed credential checks (MQTT, REST, RPC), by what was locked out.");
        Counter(m, "thingyard.auth.refused", () => auth.Refused, "Attempts refused unchecked during a lockout.");
    }

    static void Counter(Meter meter, string name, Func<long> read, string description) =>
        meter.CreateObservableCounter(name, read, description: description);

    static Measurement<long> Labelled(long value, string key, string label) => new(value, new KeyValuePair<string, object?>(key, label));
}
