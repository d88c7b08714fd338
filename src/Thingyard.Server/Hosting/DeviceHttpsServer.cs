// The device HTTPS port (Thingyard:Mqtt:DeviceHttpsPort): a second Kestrel server beside the main one, serving the
// same application over TLS from DeviceTls (the MQTT TLS port's certificate and cipher suites). A second server
// rather than one more endpoint: an endpoint added in code makes Kestrel drop the --urls / ASPNETCORE_URLS ones.
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Hosting;

public sealed class DeviceHttpsServer : IServer
{
    const string MainServerKey = "main";

    readonly IServer _main;
    readonly KestrelServer _devices;
    readonly string _host;
    readonly ILogger<DeviceHttpsServer> _log;

    DeviceHttpsServer(IServer main, IServiceProvider services, MqttOptions mqtt, DeviceTls tls, ILoggerFactory loggers)
    {
        _main = main;
        _log = loggers.CreateLogger<DeviceHttpsServer>();
        _ = tls.Certificate; // a bad certificate fails the start, not the first device
        var address = IPAddress.Parse(mqtt.BindAddress);
        _host = address.Equals(IPAddress.Any) ? "0.0.0.0" : address.ToString();
        var kestrel = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        void Https(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1; // what device SDKs speak; no ALPN needed
            listen.Use(next => connection => TlsOverKestrel.RunAsync(connection, next, tls, "device HTTPS"));
        }
        // 0.0.0.0 means every interface, IPv6 too where the system has it, as the MQTT listeners do.
        if (address.Equals(IPAddress.Any)) kestrel.ListenAnyIP(mqtt.DeviceHttpsPort, Https);
        else kestrel.Listen(address, mqtt.DeviceHttpsPort, Https);
        _devices = new KestrelServer(Options.Create(kestrel), services.GetRequiredService<Microsoft.AspNetCore.Connections.IConnectionListenerFactory>(), loggers);
    }

    /// <summary>Puts this server in place of the host's (which it runs as the main one).</summary>
    public static void Add(IServiceCollection services)
    {
        var main = services.Last(d => d.ServiceType == typeof(IServer) && !d.IsKeyedService);
        services.Remove(main);
        services.Add(main.ImplementationType is { } type ? new ServiceDescriptor(typeof(IServer), MainServerKey, type, main.Lifetime)
            : main.ImplementationInstance is { } instance ? new ServiceDescriptor(typeof(IServer), MainServerKey, instance)
            : new ServiceDescriptor(typeof(IServer), MainServerKey, (sp, _) => main.ImplementationFactory!(sp), main.Lifetime));
        services.AddSingleton(sp => new DeviceHttpsServer(sp.GetRequiredKeyedService<IServer>(MainServerKey), sp,
            sp.GetRequiredService<MqttOptions>(), sp.GetRequiredService<DeviceTls>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<IServer>(sp => sp.GetRequiredService<DeviceHttpsServer>());
    }

    /// <summary>The bound port once started (the one picked when 0 was asked).</summary>
    public int Port { get; private set; }

    /// <summary>The main server's: its addresses are the HTTP listeners'.</summary>
    public IFeatureCollection Features => _main.Features;

    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken) where TContext : notnull
    {
        await _main.StartAsync(application, cancellationToken);
        await _devices.StartAsync(application, cancellationToken);
        // Kestrel lists it as http://: the TLS is ours, not its.
        Port = new Uri(_devices.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;
        _log.LogInformation("Device HTTPS listening on: https://{Host}:{Port}", _host, Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _devices.StopAsync(cancellationToken);
        await _main.StopAsync(cancellationToken);
    }

    /// <summary>The main server is the container's to dispose (it made it).</summary>
    public void Dispose() => _devices.Dispose();
}
