// The broker's transport: accepts TCP, TLS and WebSocket connections itself (in place of MQTTnet's listeners) so that
// every connection passes the ConnectionGate before a byte is read, TLS handshakes and CONNECTs are bounded in time,
// failed handshakes are logged with their reason, and packet sizes are checked as the bytes arrive (PacketLimitChannel).
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using MQTTnet.Adapter;
using MQTTnet.Channel;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Connectivity;

public sealed class MqttListener(MqttOptions mqtt, ConnectionGate gate, DeviceTls deviceTls, ConnectivityStats stats,
    ILogger<MqttListener> log) : IMqttServerAdapter
{
    /// <summary>Room for a topic and MQTT 5 properties around the largest accepted payload.</summary>
    const int PacketHeadroom = 64 * 1024;

    readonly List<Socket> _listeners = [];
    readonly CancellationTokenSource _stopping = new();
    MqttServerOptions _server = null!;
    IMqttNetLogger _logger = null!;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>Bound ports once started (0: that listener is off). A configured 0 binds a free port.</summary>
    public int Port { get; private set; }
    public int TlsPort { get; private set; }

    /// <summary>Plain TCP from MQTTnet's default endpoint options; TLS from Thingyard:Mqtt:TlsPort with DeviceTls.</summary>
    public Task StartAsync(MqttServerOptions serverOptions, IMqttNetLogger logger)
    {
        _server = serverOptions;
        _logger = logger;
        var endpoint = serverOptions.DefaultEndpointOptions;
        var address = IPAddress.Parse(mqtt.BindAddress);
        if (endpoint.IsEnabled && mqtt.Port >= 0) Port = Listen(address, mqtt.Port, endpoint, tls: false);
        if (mqtt.TlsPort >= 0)
        {
            _ = deviceTls.Certificate; // made (or checked) now: a bad certificate fails the start, not the first device
            TlsPort = Listen(address, mqtt.TlsPort, endpoint, tls: true);
        }
        return Task.CompletedTask;
    }

    public Task StopAsync()
    {
        _stopping.Cancel();
        foreach (var socket in _listeners) socket.Dispose();
        _listeners.Clear();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync();
        _stopping.Dispose();
    }

    int Listen(IPAddress address, int port, MqttServerTcpEndpointBaseOptions endpoint, bool tls)
    {
        // 0.0.0.0 means every interface: IPv6 too where the system has it, as MQTTnet's endpoints listen.
        var listener = address.Equals(IPAddress.Any) ? TcpListener.Create(port) : new TcpListener(address, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, endpoint.ReuseAddress);
        listener.Start(endpoint.ConnectionBacklog);
        _listeners.Add(listener.Server);
        _ = Task.Run(() => AcceptLoopAsync(listener.Server, endpoint, tls));
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    async Task AcceptLoopAsync(Socket listener, MqttServerTcpEndpointBaseOptions endpoint, bool tls)
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try { client = await listener.AcceptAsync(_stopping.Token); }
            catch (OperationCanceledException) { return; }
            catch (ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                // EMFILE and the like: the caps should keep us clear of it; never let it end the accept loop.
                log.LogWarning("MQTT accept failed: {Error}", e.SocketErrorCode);
                await Task.Delay(100, _stopping.Token).ContinueWith(_ => { });
                continue;
            }
            var ticket = gate.TryEnter(client.RemoteEndPoint);
            if (ticket is null)
            {
                client.Dispose();
                continue;
            }
            client.NoDelay = endpoint.NoDelay;
            if (endpoint.LingerState is { } linger) client.LingerState = linger;
            _ = Task.Run(() => RunTcpAsync(client, endpoint, tls, ticket));
        }
    }

    async Task RunTcpAsync(Socket socket, MqttServerTcpEndpointBaseOptions endpoint, bool tls, ConnectionGate.Ticket ticket)
    {
        using (ticket)
        {
            Stream stream = new NetworkStream(socket, ownsSocket: true);
            var remote = socket.RemoteEndPoint;
            var local = socket.LocalEndPoint;
            System.Security.Cryptography.X509Certificates.X509Certificate2? clientCertificate = null;
            if (tls)
            {
                // Suites, deadline (ConnectTimeoutSeconds) and the failure log are DeviceTls's, shared with device HTTPS.
                var ssl = await deviceTls.AuthenticateAsync(stream, remote, "MQTT TLS", _stopping.Token);
                if (ssl is null)
                {
                    stats.RefusedSocket();
                    return;
                }
                stream = ssl;
                clientCertificate = ssl.RemoteCertificate as System.Security.Cryptography.X509Certificates.X509Certificate2;
            }
            await RunAsync(new MqttTcpChannel(stream, local, remote, clientCertificate!), endpoint.AllowPacketFragmentation, ticket);
        }
    }

    /// <summary>MQTT over WebSocket (/mqtt on the HTTP port), through the same gate and packet limit.</summary>
    public async Task RunWebSocketAsync(WebSocket socket, HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress is { } ip ? new IPEndPoint(ip, http.Connection.RemotePort) : null;
        using var ticket = gate.TryEnter(remote);
        if (ticket is null)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "connection limit", CancellationToken.None);
            return;
        }
        await RunAsync(new MqttWebSocketChannel(socket, remote, http.Request.IsHttps, http.Connection.ClientCertificate!), allowFragmentation: true, ticket);
    }

    async Task RunAsync(IMqttChannel channel, bool allowFragmentation, ConnectionGate.Ticket ticket)
    {
        var limited = new PacketLimitChannel(channel, mqtt.MaxConnectPacketBytes, mqtt.MaxPayloadBytes + PacketHeadroom,
            ticket.Connected, stats.OversizedPacket);
        var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_server.WriterBufferSize, _server.WriterBufferSizeMax));
        using var adapter = new MqttChannelAdapter(limited, formatter, _logger) { AllowPacketFragmentation = allowFragmentation };
        try
        {
            if (ClientHandler is { } handler) await handler(adapter);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            log.LogDebug("MQTT connection from {Remote} ended: {Error}", channel.RemoteEndPoint, e.Message);
        }
    }

}
