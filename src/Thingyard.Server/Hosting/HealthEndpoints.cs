// Liveness and readiness, on ASP.NET Core health checks. /health/live answers 200 while the process serves HTTP (no
// checks: restarting would not bring a lost database back). /health/ready, and /health as before, run the checks in
// HealthChecks.cs: 503 when storage is faulted or the MQTT broker is not running, 200 otherwise ("degraded" when a
// federation peer does not answer). The body names each check, its state and why.
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Thingyard.Storage;

namespace Thingyard.Server.Hosting;

public static class HealthEndpoints
{
    const string Ready = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        // A fault is logged once, by whoever found it; the health check service would log it again at every probe.
        services.AddLogging(l => l.AddFilter(typeof(HealthCheckService).Namespace, LogLevel.Critical));
        services.AddHealthChecks()
            .AddCheck<StorageCheck>("storage", tags: [Ready])
            .AddCheck<BrokerCheck>("mqtt", tags: [Ready])
            .AddCheck<FederationCheck>("federation", tags: [Ready]);
        services.AddHostedService<StorageWatcherHost>();
        return services;
    }

    public static void MapHealth(this WebApplication app)
    {
        var ready = new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync };
        app.MapHealthChecks("/health", ready);
        app.MapHealthChecks("/health/ready", ready);
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
    }

    /// <summary>{"status":"ok"|"degraded"|"unhealthy","checks":{"storage":{"status":...,"description":...},...}}; "ok" as /health always said.</summary>
    static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object> { ["status"] = Word(report.Status) };
        if (report.Entries.Count > 0)
            body["checks"] = report.Entries.ToDictionary(e => e.Key, e => new { status = Word(e.Value.Status), description = e.Value.Description });
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));
    }

    static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "ok",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };
}

/// <summary>Runs the storage watcher for the life of the process.</summary>
public sealed class StorageWatcherHost(StorageWatcher watcher) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => watcher.RunAsync(stoppingToken);
}
