// Hosts the MQTTnet broker in the server process: plain TCP, TLS and WebSocket (/mqtt) listeners, all with the same hooks.
// TLS is this server's own adapter (MqttTlsListener) rather than MQTTnet's encrypted endpoint, for DeviceTls's cipher
// suites, handshake deadline and failure log.
using System.Net;
using System.Net.Sockets;
using MQTTnet.AspNetCore;
using MQTTnet.Server;
using Thingyard.Registry;
using Thingyard.Server.Hosting;

namespace Thingyard.Server.Connectivity;

public sealed class MqttBroker(ThingyardOptions options, BrokerHooks hooks, UplinkRouter router, DeviceChanges changes,
    DeviceTls tls, Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.ThingyardDb> dbs, ILogger<MqttBroker> log)
    : IHostedService
{
    readonly MqttWebSocketServerAdapter _webSockets = new();
    MqttTlsListener? _tls;
    MqttServer? _server;

    public MqttServer Server => _server ?? throw new InvalidOperationException("The MQTT broker has not started.");
    /// <summary>Bound ports (after start); 0 when that listener is off.</summary>
    public int Port { get; private set; }
    public int TlsPort => _tls?.Port ?? 0;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ResetStatusAsync(cancellationToken);
        var mqtt = options.Mqtt;
        var address = IPAddress.Parse(mqtt.BindAddress);
        Port = mqtt.Port < 0 ? 0 : mqtt.Port == 0 ? FreePort(address) : mqtt.Port;

        var builder = new MqttServerOptionsBuilder()
            .WithMaxPendingMessagesPerClient(1000)
            .WithPersistentSessions(false);
        if (Port > 0) builder.WithDefaultEndpoint().WithDefaultEndpointBoundIPAddress(address).WithDefaultEndpointPort(Port);
        else builder.WithoutDefaultEndpoint();
        var serverOptions = builder.Build();
        serverOptions.DefaultEndpointOptions.NoDelay = true;
        // Each connection keeps its own packet write buffer for its lifetime. MQTTnet's 4 KB default was a third of an
        // idle connection's memory; Alink replies and calls are a few hundred bytes, and a bigger packet grows the
        // buffer only while it is written (it shrinks back to the max afterwards).
        serverOptions.WriterBufferSize = 256;
        serverOptions.WriterBufferSizeMax = 4096;

        var factory = new MqttServerFactory();
        factory.DefaultServerAdapters.Add(_ => _webSockets);
        if (mqtt.TlsPort >= 0)
        {
            _tls = new MqttTlsListener(tls, address, mqtt.TlsPort, log);
            factory.DefaultServerAdapters.Add(_ => _tls);
        }
        _server = factory.CreateMqttServer(serverOptions);
        hooks.Attach(_server);
        _server.InterceptingPublishAsync += router.InterceptAsync;
        changes.Changed += hooks.OnDeviceChanged;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _server.StartAsync();
                break;
            }
            catch (Exception e) when (attempt < 5 && mqtt.Port == 0 && IsAddressInUse(e))
            {
                // A port picked free was taken before the broker bound it (by another process, or as a client's
                // ephemeral port): pick again. (The TLS listener binds port 0 itself.)
                await _server.StopAsync(new MqttServerStopOptions());
                serverOptions.DefaultEndpointOptions.Port = Port = FreePort(address);
            }
        }

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
        await _webSockets.RunWebSocketConnectionAsync(socket, http);
    }

    /// <summary>No device is connected to a broker that is just starting: devices left ONLINE by a crash (kill -9) go OFFLINE.</summary>
    async Task ResetStatusAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var reset = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ExecuteUpdateAsync(
            db.Devices.Where(d => d.Status == DeviceStatus.Online), s => s.SetProperty(d => d.Status, DeviceStatus.Offline), ct);
        if (reset > 0) log.LogInformation("Marked {Count} devices OFFLINE that were ONLINE when this instance last stopped", reset);
    }

    static bool IsAddressInUse(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }) return true;
        return false;
    }

    static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
