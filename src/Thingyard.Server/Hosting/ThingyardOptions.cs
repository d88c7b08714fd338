// Settings bound from the "Thingyard" section (environment: Thingyard__Section__Key); every default works on a laptop.
using Thingyard.Accounts;
using Thingyard.Connectivity;
using Thingyard.Server.Connectivity;
using Thingyard.Storage;

namespace Thingyard.Server.Hosting;

public sealed class ThingyardOptions
{
    public string DataDir { get; set; } = "./data";
    public string RegionId { get; set; } = "cn-shanghai";
    public string InstanceId { get; set; } = "iotx-thingyard";
    /// <summary>Base URL devices reach this server's HTTP on (download links in MQTT messages); defaults to
    /// Federation:HttpUrl, then to the address the server listens on.</summary>
    public string? PublicHttpUrl { get; set; }
    /// <summary>Open HTTP connections Kestrel accepts (REST, RPC, device HTTP, WebSocket MQTT); further ones wait in the
    /// listen backlog. Also reserved out of the descriptor limit when the MQTT cap is automatic.</summary>
    public int MaxHttpConnections { get; set; } = 1000;
    public MqttOptions Mqtt { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public AdminOptions Admin { get; set; } = new();
    public SecurityOptions Security { get; set; } = new();
    public Distribution.FederationOptions Federation { get; set; } = new();
}

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

public sealed class SecurityOptions
{
    /// <summary>Base64 of 32 bytes sealing secrets at rest; when empty, the key file is used (and created).</summary>
    public string? MasterKey { get; set; }
    /// <summary>The key file; by default master.key in the data folder. Keep it elsewhere so a copy of the data folder
    /// (or of the database) does not carry its own key.</summary>
    public string? MasterKeyPath { get; set; }
    /// <summary>While rotating: the key the stored secrets were sealed with; at start everything is sealed again with the
    /// current key. Remove it once the server has started.</summary>
    public string? PreviousMasterKey { get; set; }
    public string? PreviousMasterKeyPath { get; set; }
    /// <summary>Failed credential checks allowed per address and per device or AccessKey before a lockout.</summary>
    public AuthThrottleOptions AuthFailures { get; set; } = new();
}
