// What /health/ready looks at: storage (StorageHealth), the MQTT broker, and the federation's peers.
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Distribution;
using Thingyard.Storage;

namespace Thingyard.Server.Hosting;

public sealed class StorageCheck(StorageHealth health, StorageOptions options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(health.Current is { } fault
            ? HealthCheckResult.Unhealthy($"{fault.Problem} (since {fault.Since:yyyy-MM-ddTHH:mm:ssZ})")
            : HealthCheckResult.Healthy(options.IsPostgres ? "PostgreSQL takes writes" : "SQLite takes writes"));
}

public sealed class BrokerCheck(MqttBroker broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        bool started;
        try { started = broker.Server.IsStarted; }
        catch (InvalidOperationException) { started = false; } // Server throws until the broker has started
        return Task.FromResult(started
            ? HealthCheckResult.Healthy($"MQTT port {Port(broker.Port)}, TLS port {Port(broker.TlsPort)}")
            : HealthCheckResult.Unhealthy("the MQTT broker is not running"));
    }

    static string Port(int port) => port > 0 ? port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "off";
}

/// <summary>Peers whose last call got no answer degrade readiness without failing it: this instance still serves its
/// own devices, and a peer's outage must not take every instance out of its load balancer.</summary>
public sealed class FederationCheck(InstanceDirectory instances, PeerClient peers) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!instances.PeeringEnabled || instances.Peers.Count == 0)
            return Task.FromResult(HealthCheckResult.Healthy("no peers configured"));
        var down = instances.Peers.Select(p => (p.InstanceId, Outage: peers.Unreachable.GetValueOrDefault(p.InstanceId)))
            .Where(p => p.Outage is not null).ToList();
        return Task.FromResult(down.Count == 0
            ? HealthCheckResult.Healthy($"{instances.Peers.Count} peer(s); none failed its last call")
            : HealthCheckResult.Degraded(string.Join("; ", down.Select(d => $"{d.Outage!.Problem} (since {d.Outage.Since:yyyy-MM-ddTHH:mm:ssZ})"))));
    }
}
