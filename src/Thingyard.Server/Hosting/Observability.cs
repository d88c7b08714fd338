// Metrics and traces through OpenTelemetry. /metrics: the "Thingyard" meter (ServerMetrics) in the Prometheus text
// format, by OpenTelemetry's Prometheus exporter. Traces: only when an OTLP endpoint is configured
// (Thingyard:Telemetry:OtlpEndpoint, or the standard OTEL_EXPORTER_OTLP_ENDPOINT), the "Thingyard" activity source
// (RPC actions, device uplinks) and ASP.NET Core's requests are exported there. Without one nothing listens to the
// source, and StartActivity returns null at the cost of a check.
using System.Diagnostics;
using Microsoft.Extensions.Diagnostics.Metrics;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Hosting;

public static class Observability
{
    public const string Name = "Thingyard";

    /// <summary>Activities around RPC action dispatch (RpcEndpoint) and device uplink handling (UplinkRouter).</summary>
    public static readonly ActivitySource Activities = new(Name);

    /// <param name="configuration">Read only for the standard OTEL_EXPORTER_OTLP_* variables.</param>
    public static IServiceCollection AddObservability(this IServiceCollection services, TelemetryOptions telemetry, IConfiguration configuration)
    {
        services.AddSingleton<ServerMetrics>();
        // This host's meter only (MeterScope.Local): another host in the process has a meter of the same name.
        services.AddMetrics(m => m.EnableMetrics(Name, instrumentName: null, listenerName: "OpenTelemetry", MeterScope.Local));
        var otel = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("thingyard", serviceVersion: typeof(Observability).Assembly.GetName().Version?.ToString()))
            .WithMetrics(m => m.AddPrometheusExporter(o =>
            {
                o.ScrapeEndpointPath = "/metrics";
                // The exposition stays as it was before the exporter: our series only, read fresh on every scrape.
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.ScopeInfoEnabled = false;
                o.TargetInfoEnabled = false;
            }));

        var endpoint = telemetry.OtlpEndpoint;
        var standard = configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] ?? configuration["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"];
        if (string.IsNullOrWhiteSpace(endpoint) && string.IsNullOrWhiteSpace(standard)) return services;
        otel.WithTracing(t => t
            .AddSource(Name)
            .AddAspNetCoreInstrumentation(o => o.Filter = http =>
                !http.Request.Path.StartsWithSegments("/metrics") && !http.Request.Path.StartsWithSegments("/health"))
            .AddOtlpExporter(o =>
            {
                // Ours wins over the standard variables; without ours the exporter reads OTEL_EXPORTER_OTLP_* itself.
                if (string.IsNullOrWhiteSpace(endpoint)) return;
                o.Protocol = telemetry.OtlpProtocol == TelemetryOptions.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
                // Set in code, the endpoint is taken as is: OTLP/HTTP needs the signal's path.
                o.Endpoint = new Uri(o.Protocol == OtlpExportProtocol.HttpProtobuf ? endpoint.TrimEnd('/') + "/v1/traces" : endpoint);
            }));
        return services;
    }

    /// <summary>GET /metrics, without credentials like /health.</summary>
    public static void MapMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<ServerMetrics>(); // creates the instruments
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
    }
}
