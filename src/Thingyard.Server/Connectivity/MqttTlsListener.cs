// MQTT over TLS (8883) as an MQTTnet server adapter: accepts TCP, runs the handshake through DeviceTls (its cipher
// suites, deadline and failure log) and hands the decrypted stream to the broker like MQTTnet's own TLS endpoint does
// (an SslStream channel, so connections count as secure). The plain port stays MQTTnet's.
using System.Net;
using System.Net.Sockets;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace Thingyard.Server.Connectivity;

public sealed class MqttTlsListener(DeviceTls tls, IPAddress address, int port, ILogger log) : IMqttServerAdapter
{
    TcpListener? _listener;
    CancellationTokenSource? _stopping;
    MqttServerOptions? _options;
    IMqttNetLogger _mqttLog = MqttNetNullLogger.Instance;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>The bound port once started (the one picked when 0 was asked).</summary>
    public int Port { get; private set; }

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _options = options;
        _mqttLog = logger;
        _ = tls.Certificate; // a bad certificate fails the start, not the first device
        // 0.0.0.0 means every interface: IPv6 too where the system has it, as MQTTnet's endpoints listen.
        _listener = address.Equals(IPAddress.Any) ? TcpListener.Create(port) : new TcpListener(address, port);
        _listener.Start(options.TlsEndpointOptions.ConnectionBacklog);
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _stopping = new CancellationTokenSource();
        _ = AcceptAsync(_listener, _stopping.Token);
        return Task.CompletedTask;
    }

    async Task AcceptAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await listener.AcceptSocketAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException) { return; }
            catch (SocketException e)
            {
                // A connection reset before it was accepted, or out of descriptors: keep accepting.
                log.LogDebug(e, "MQTT TLS accept failed");
                continue;
            }
            _ = Task.Run(() => RunAsync(socket, ct), CancellationToken.None);
        }
    }

    async Task RunAsync(Socket socket, CancellationToken ct)
    {
        var remote = DeviceTls.Unmapped(socket.RemoteEndPoint);
        try
        {
            socket.NoDelay = true;
            await using var ssl = await tls.AuthenticateAsync(new NetworkStream(socket, ownsSocket: true), remote, "MQTT TLS", ct);
            if (ssl is null || ClientHandler is not { } handler) return;
            var options = _options!;
            var channel = new MqttTcpChannel(ssl, DeviceTls.Unmapped(socket.LocalEndPoint), remote, clientCertificate: null);
            var formatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(options.WriterBufferSize, options.WriterBufferSizeMax));
            using var adapter = new MqttChannelAdapter(channel, formatter, _mqttLog)
            {
                AllowPacketFragmentation = options.TlsEndpointOptions.AllowPacketFragmentation,
            };
            await handler(adapter);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            log.LogDebug(e, "MQTT TLS connection from {Remote} ended", remote);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "MQTT TLS connection from {Remote} failed", remote);
        }
        finally
        {
            socket.Dispose();
        }
    }

    public Task StopAsync()
    {
        _stopping?.Cancel();
        _listener?.Stop();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        StopAsync();
        _stopping?.Dispose();
    }
}
