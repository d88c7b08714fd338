// Starts a real Thingyard server in-process on a free loopback port, with its own data folder and database.
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Thingyard.Server.Hosting;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Infrastructure;

/// <summary>A real server in-process. A test class that needs other settings uses a subclass that fills Settings in
/// its constructor (ShortKeepAliveServer, LimitedServer, ...).</summary>
public class ThingyardServer : IAsyncLifetime
{
    public const string AdminKeyId = "LTAItestadmin0000000001";
    public const string AdminSecret = "test-admin-secret-0000000001";

    WebApplication? _app;
    Dictionary<string, string> _database = [];
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "thingyard-tests", Guid.NewGuid().ToString("N"));
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>HTTP port to listen on; 0 picks a free one. Set before start when peers must know it in advance.</summary>
    public int HttpPort { get; set; }

    /// <summary>Extra configuration (key "Thingyard:Section:Key") a test class wants.</summary>
    public Dictionary<string, string> Settings { get; } = new();

    /// <summary>What the server logged at the levels its settings let through (Warning, unless Settings raise a category).</summary>
    public LogCapture Logs { get; } = new();

    public async Task InitializeAsync()
    {
        _database = await TestDatabase.NewAsync();
        await StartAsync();
    }

    /// <summary>Stops the server and starts it again on the same data folder and database (ports may change), with
    /// Settings as they are now.</summary>
    public async Task RestartAsync()
    {
        await _app!.StopAsync();
        await _app.DisposeAsync();
        _app = null;
        await StartAsync();
    }

    async Task StartAsync()
    {
        var settings = new Dictionary<string, string>
        {
            ["Thingyard:DataDir"] = DataDir,
            ["Thingyard:Admin:AccessKeyId"] = AdminKeyId,
            ["Thingyard:Admin:AccessKeySecret"] = AdminSecret,
            ["Thingyard:Mqtt:Port"] = "0",
            ["Thingyard:Mqtt:TlsPort"] = "0",
            ["Thingyard:Amqp:Port"] = "0",
            ["Thingyard:Amqp:TlsPort"] = "0",
            ["Thingyard:Amqp:BindAddress"] = "127.0.0.1",
            ["Thingyard:Webhooks:AllowHttp"] = "true",
            ["Thingyard:Webhooks:FirstRetryMs"] = "100",
            ["Thingyard:Webhooks:MaxRetryMs"] = "400",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (k, v) in _database) settings[k] = v;
        foreach (var (k, v) in Settings) settings[k] = v;
        var args = settings.Select(s => $"--{s.Key}={s.Value}").Append($"--urls=http://127.0.0.1:{HttpPort}").ToArray();
        _app = await ThingyardApp.BuildAsync(args);
        _app.Services.GetRequiredService<ILoggerFactory>().AddProvider(Logs);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { }
    }

    public HttpClient Http() => new() { BaseAddress = BaseAddress };

    /// <summary>A free loopback TCP port, for servers that must know each other's addresses before they start, or that
    /// restart on the same port. Picked below the kernel's ephemeral range (32768 and up by default), which it hands to
    /// port-0 binds and outgoing connections, so nothing else takes the port before the server binds it or while it
    /// restarts; never the same port twice in one test run.</summary>
    public static int FreePort()
    {
        for (var tries = 0; ; tries++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            lock (HandedOut)
                if (!HandedOut.Add(port)) continue;
            try
            {
                using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (System.Net.Sockets.SocketException) when (tries < 100) { }
        }
    }

    static readonly HashSet<int> HandedOut = [];

    /// <summary>The broker's plain and TLS ports (picked free at start).</summary>
    public int MqttPort => Services.GetRequiredService<Thingyard.Server.Connectivity.MqttBroker>().Port;
    public int MqttTlsPort => Services.GetRequiredService<Thingyard.Server.Connectivity.MqttBroker>().TlsPort;
    /// <summary>The server-side subscription's plain and TLS AMQP ports (picked free at start).</summary>
    public int AmqpPort => Services.GetRequiredService<Thingyard.Server.Subscriptions.Amqp.AmqpServer>().Port;
    public int AmqpTlsPort => Services.GetRequiredService<Thingyard.Server.Subscriptions.Amqp.AmqpServer>().TlsPort;
    /// <summary>The device HTTPS port, for servers with Thingyard:Mqtt:DeviceHttpsPort set.</summary>
    public int DeviceHttpsPort => Services.GetRequiredService<DeviceHttpsServer>().Port;
    /// <summary>The certificate the device TLS ports present (PEM, as devices are given it).</summary>
    public string CertificatePem => Path.Combine(DataDir, Thingyard.Server.Connectivity.BrokerCertificate.PemFileName);

    public ThingyardRpcClient Rpc(string keyId = AdminKeyId, string secret = AdminSecret) => new(Http(), keyId, secret);

    public HttpClient Rest(string keyId = AdminKeyId, string secret = AdminSecret)
    {
        var http = Http();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{keyId}:{secret}")));
        return http;
    }
}
