// Connectivity wiring: broker, hooks, the uplink router and its route table (areas add their routes: AddThings,
// AddGateways, AddShadows), telemetry pipeline, downlink, and the HTTP endpoints
// that belong to devices (/mqtt WebSocket, /auth/register/device).
using Microsoft.EntityFrameworkCore;
using Thingyard.Accounts;
using Thingyard.Connectivity;
using Thingyard.Registry;
using Thingyard.Server.Settings;
using Thingyard.Storage;
using Thingyard.Telemetry;

namespace Thingyard.Server.Connectivity;

public static class ConnectivitySetup
{
    public static IServiceCollection AddConnectivity(this IServiceCollection services)
    {
        services.AddSingleton(sp => new DeviceDirectory(sp.GetRequiredService<IDbContextFactory<ThingyardDb>>(), sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DeviceChanges>()) { SelfInstanceId = sp.GetRequiredService<InstanceOptions>().InstanceId });
        services.AddSingleton(sp => new DeviceAuthenticator(sp.GetRequiredService<DeviceDirectory>(), sp.GetRequiredService<AuthThrottle>())
        {
            MinKeepAlive = sp.GetRequiredService<MqttOptions>().MinKeepAliveSeconds, // 1..MaxKeepAlive, see MqttOptionsValidator
            Id2 = sp.GetService<IId2Login>(),
        });
        services.AddSingleton<DynamicRegistration>();
        services.AddSingleton(sp => new DeviceSessions { Clustered = sp.GetRequiredService<IClusterSessions>().Enabled });
        services.AddSingleton<ConnectivityStats>();
        services.AddSingleton<AccountTraffic>();
        services.AddSingleton<MessageTap>();
        services.AddSingleton<WatchAccess>();
        services.AddSingleton<Downlink>();
        services.AddSingleton<TelemetryPipeline>();
        services.AddSingleton<MqttRegistrationFlow>();
        services.AddSingleton<BrokerHooks>();
        services.AddSingleton<ConnectionGate>();
        services.AddSingleton<MqttListener>();
        services.AddSingleton<SystemUplinks>();
        services.AddUplinkRoutes(SystemUplinks.Routes);
        services.AddSingleton<UplinkRoutes>();
        services.AddSingleton<UplinkRouter>();
        services.AddSingleton<DeviceTls>();
        services.AddSingleton<MqttBroker>();
        // The writer starts first and stops last, so nothing the broker accepted is left unwritten.
        services.AddHostedService<TelemetryHost>();
        services.AddSingleton<WalCheckpointer>();
        services.AddHostedService<CheckpointHost>();
        services.AddHostedService(sp => sp.GetRequiredService<MqttBroker>());
        return services;
    }

    public static void MapConnectivity(this WebApplication app)
    {
        app.UseWebSockets();
        app.Map("/mqtt", (HttpContext http, MqttBroker broker) => broker.AcceptWebSocketAsync(http)).ExcludeFromDescription();
        app.MapRegistration();
    }
}

/// <summary>Runs the telemetry writer for the life of the process and drains it on shutdown.</summary>
public sealed class TelemetryHost(TelemetryPipeline pipeline) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => pipeline.RunAsync(stoppingToken);
}

/// <summary>Runs SQLite's checkpoints beside the telemetry writer (nothing to do on PostgreSQL).</summary>
public sealed class CheckpointHost(WalCheckpointer checkpointer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => checkpointer.RunAsync(stoppingToken);
}
