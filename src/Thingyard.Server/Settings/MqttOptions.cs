// Section Thingyard:Mqtt: the device listeners (MQTT over TCP and TLS, device HTTPS) and the limits devices meet.
using Microsoft.Extensions.Options;
using Thingyard.Connectivity;
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Settings;

public sealed class MqttOptions
{
    /// <summary>Plain TCP port; 0 picks a free one (tests), -1 turns the listener off.</summary>
    public int Port { get; set; } = 1883;
    public int TlsPort { get; set; } = 8883;
    /// <summary>HTTPS for devices with the TLS port's certificate and suites, serving what the HTTP listeners serve
    /// (registration, bootstrap, ...); -1 (default) off, 0 a free port. The 3.x C SDK registers on 443 only.</summary>
    public int DeviceHttpsPort { get; set; } = -1;
    /// <summary>Cipher suites of the device TLS ports: Compatible also offers the RSA key exchange suites of the C SDKs'
    /// mbedTLS; Modern only forward-secret ones.</summary>
    public DeviceTlsPolicy TlsPolicy { get; set; } = DeviceTlsPolicy.Compatible;
    /// <summary>Address the device listeners (MQTT, device HTTPS) bind to.</summary>
    public string BindAddress { get; set; } = "0.0.0.0";
    /// <summary>PFX file for the device TLS ports; when empty a self-signed RSA certificate is generated into the data
    /// folder on first start.</summary>
    public string? CertificatePath { get; set; }
    public string? CertificatePassword { get; set; }
    /// <summary>Largest accepted publish payload; larger messages are dropped and counted.</summary>
    public int MaxPayloadBytes { get; set; } = 256 * 1024;
    /// <summary>Upstream messages per second per device (the platform documents 30); excess messages are dropped.</summary>
    public int MessagesPerSecondPerDevice { get; set; } = 30;
    /// <summary>Shortest keepalive a device may ask for (the platform: 30, up to 1,200). A device silent for 1.5 times its
    /// keepalive is dropped and goes offline, so a lower minimum finds dead devices sooner, at the cost of more pings.</summary>
    public int MinKeepAliveSeconds { get; set; } = DeviceAuthenticator.DefaultMinKeepAlive;
    /// <summary>Open MQTT connections (TCP, TLS, WebSocket); 0 = the descriptor limit less MaxHttpConnections and a
    /// reserve of 256. Beyond it new sockets are closed at once, with a log line at most every 10 s.</summary>
    public int MaxConnections { get; set; }
    /// <summary>Open MQTT connections from one IP address.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 5000;
    /// <summary>Connections from one IP address that have not yet sent a complete CONNECT.</summary>
    public int MaxPendingConnectionsPerAddress { get; set; } = 200;
    /// <summary>Seconds a new connection has for its TLS handshake, and again for its CONNECT, before it is closed.</summary>
    public int ConnectTimeoutSeconds { get; set; } = 10;
    /// <summary>Largest packet accepted before CONNECT (the CONNECT itself); after it, MaxPayloadBytes plus 64 KB.</summary>
    public int MaxConnectPacketBytes { get; set; } = 16 * 1024;
    /// <summary>Topic filters one connection may hold; a SUBSCRIBE beyond it is refused (SUBACK 0x97 on MQTT 5, 0x80 on
    /// 3.1.1). The official SDKs subscribe to at most a few dozen.</summary>
    public int MaxSubscriptionsPerClient { get; set; } = 200;
    /// <summary>Milliseconds a synchronous service call or RRPC waits for the device's reply by default.</summary>
    public int SyncCallTimeoutMs { get; set; } = 5000;
}

public sealed class MqttOptionsValidator : IValidateOptions<MqttOptions>
{
    /// <summary>The largest payload an MQTT packet can carry (its remaining length is at most 268,435,455 bytes).</summary>
    public const int MaxMqttPayload = 268_435_455;

    public ValidateOptionsResult Validate(string? name, MqttOptions o)
    {
        var e = new SettingErrors(Sections.Mqtt);
        var ports = new[] { (nameof(o.Port), o.Port), (nameof(o.TlsPort), o.TlsPort), (nameof(o.DeviceHttpsPort), o.DeviceHttpsPort) };
        for (var i = 0; i < ports.Length; i++)
        {
            var (key, port) = ports[i];
            if (port is < -1 or > 65535)
                e.Add(key, $"{port} is not a port; use 1 to 65535, 0 for a free port or -1 to turn the listener off");
            else if (port > 0 && ports[..i].FirstOrDefault(p => p.Item2 == port).Item1 is { } taken)
                e.Add(key, $"{port} is also {e.Key(taken)}; give each listener its own port");
        }
        if (!Enum.IsDefined(o.TlsPolicy)) e.Add(nameof(o.TlsPolicy), $"{SettingErrors.Quote(o.TlsPolicy.ToString())} is not a TLS policy; use Compatible or Modern");
        if (!IpText.TryParseAddress(o.BindAddress, out _))
            e.Add(nameof(o.BindAddress), $"{SettingErrors.Quote(o.BindAddress)} is not an IP address; use e.g. 0.0.0.0 (every interface), 127.0.0.1 or ::");
        if (!string.IsNullOrEmpty(o.CertificatePath) && !File.Exists(o.CertificatePath))
            e.Add(nameof(o.CertificatePath), $"{SettingErrors.Quote(o.CertificatePath)} does not exist; give a PFX file, or leave it unset for a generated certificate");
        if (string.IsNullOrEmpty(o.CertificatePath) && !string.IsNullOrEmpty(o.CertificatePassword))
            e.Add(nameof(o.CertificatePassword), $"is set but {e.Key(nameof(o.CertificatePath))} is not; set the password with the PFX it opens");
        e.Range(nameof(o.MaxPayloadBytes), o.MaxPayloadBytes, 1, MaxMqttPayload, " (bytes)");
        e.AtLeast(nameof(o.MessagesPerSecondPerDevice), o.MessagesPerSecondPerDevice, 1);
        e.Range(nameof(o.MinKeepAliveSeconds), o.MinKeepAliveSeconds, 1, DeviceAuthenticator.MaxKeepAlive, " (seconds)");
        e.AtLeast(nameof(o.MaxConnections), o.MaxConnections, 0, accepted: "0 (automatic) or more");
        e.AtLeast(nameof(o.MaxConnectionsPerAddress), o.MaxConnectionsPerAddress, 1);
        e.AtLeast(nameof(o.MaxPendingConnectionsPerAddress), o.MaxPendingConnectionsPerAddress, 1);
        e.AtLeast(nameof(o.ConnectTimeoutSeconds), o.ConnectTimeoutSeconds, 1, " (seconds)");
        e.AtLeast(nameof(o.MaxConnectPacketBytes), o.MaxConnectPacketBytes, 1, " (bytes)");
        e.AtLeast(nameof(o.MaxSubscriptionsPerClient), o.MaxSubscriptionsPerClient, 1);
        e.AtLeast(nameof(o.SyncCallTimeoutMs), o.SyncCallTimeoutMs, 1, " (ms)");
        return e.Result;
    }
}
