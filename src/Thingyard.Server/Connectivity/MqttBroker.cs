// Hosts the MQTTnet broker in the server process: plain TCP, TLS and WebSocket (/mqtt) listeners, all with the same hooks.
// The sockets are this server's own (MqttListener, in place of MQTTnet's listeners): connection caps, deadlines, packet
// limits, and DeviceTls's cipher suites and failure log on the TLS port.
using System.Net;
using MQTTnet.AspNetCore;
using MQTTnet.Server;
using Thingyard.Registry;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Connectivity;

public sealed class MqttBroker(MqttOptions mqtt, BrokerHooks hooks, UplinkRouter router, DeviceChanges changes, MqttListener listener,
    Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ThingyardDb> dbs, IClusterSessions cluster, ILogger<MqttBroker> log)
    : IHostedService
{
    MqttServer? _server;

    public MqttServer Server => _server ?? throw new InvalidOperationException("The MQTT broker has not started.");
    /// <summary>Bound ports (after start); 0 when that listener is off.</summary>
    public int Port => listener.Port;
    public int TlsPort => listener.TlsPort;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResetStatusAsync(cancellationToken);
        var address = IPAddress.Parse(mqtt.BindAddress);

        var builder = new MqttServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(1000)
            .WithPersistentSessions(false);
        if (mqtt.Port >= 0) builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointPort(mqtt.Port);
        else builder.WithoutDefaultEndpoint();
        var serverOptions = builder.Build();
        // MQTTnet waits this long for the CONNECT of a new connection (its default, 100 s, kept idle sockets around).
        serverOptions.DefaultCommunicationTimeout = TimeSpan.FromSeconds(mqtt.ConnectTimeoutSeconds);
        serverOptions.DefaultEndpointOptions.NoDelay = true;
        // Each connection keeps its own packet write buffer for its lifetime. MQTTnet's 4 KB default was a third of an
        // idle connection's memory; Alink replies and calls are a few hundred bytes, and a bigger packet grows the
        // buffer only while it is written (it shrinks back to the max afterwards).
        serverOptions.WriterBufferSize = 256;
        serverOptions.WriterBufferSizeMax = 4096;

        // MqttListener takes the place of MQTTnet's own TCP/TLS listener and its WebSocket adapter.
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, [listener]);
        hooks.Attach(_server);
        _server.InterceptingPublishAsync += router.InterceptAsync;
        changes.Changed += hooks.OnDeviceChanged;
        await _server.StartAsync();

        var host = address.Equals(IPAddress.Any) ? "0.0.0.0" : address.ToString();
        if (Port > 0) log.LogInformation("MQTT listening on: mqtt://{Host}:{Port}", host, Port);
        if (TlsPort > 0) log.LogInformation("MQTT listening on: mqtts://{Host}:{Port}", host, TlsPort);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        changes.Changed -= hooks.OnDeviceChanged;
        if (_server is not null) await _server.StopAsync(new MqttServerStopOptions());
    }

    /// <summary>MQTT over WebSocket at /mqtt (subprotocol "mqtt"), served by the HTTP listener.</summary>
    public async Task AcceptWebSocketAsync(HttpContext http)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            await http.Response.WriteAsync("MQTT over WebSocket: connect with a WebSocket client (subprotocol mqtt).");
            return;
        }
        var subProtocol = MqttSubProtocolSelector.SelectSubProtocol(http.Request);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(subProtocol);
        await listener.RunWebSocketAsync(socket, http);
    }

    /// <summary>No device is connected to a broker that is just starting: devices left ONLINE by a crash (kill -9) go OFFLINE.
    /// In a cluster, only those this node held: the others are connected to the other nodes.</summary>
    async Task ResetStatusAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var online = db.Devices.Where(d => d.Status == DeviceStatus.Online);
        if (cluster.Node is { } node) online = online.Where(d => d.ConnectedNode == node);
        var reset = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
            online, s => s.SetProperty(d => d.Status, DeviceStatus.Offline), ct);
        if (reset > 0) log.LogInformation("Marked {Count} devices OFFLINE that were ONLINE when this instance last stopped", reset);
    }


}
