// Three real instances on loopback, each with its own database and broker, peered with a shared secret:
// A in Shanghai, B in Singapore, C in Frankfurt. The same admin account (uid) exists on all three.
// Bootstrap calls from 127.0.0.1 may name the device's address in X-Forwarded-For; 10.1.0.0/16 is placed near
// Singapore and 10.2.0.0/16 near Frankfurt by explicit overrides.
using System.Globalization;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Distribution;

public sealed record InstanceSpec(string Id, string Region, double Lat, double Lon);

public sealed class Federation : IAsyncLifetime
{
    public const string Secret = "federation-test-secret";
    public const string AdminUid = "1000000000000001";
    public static readonly InstanceSpec AInfo = new("iotx-a", "cn-shanghai", 31.23, 121.47);
    public static readonly InstanceSpec BInfo = new("iotx-b", "ap-southeast-1", 1.35, 103.82);
    public static readonly InstanceSpec CInfo = new("iotx-c", "eu-central-1", 50.11, 8.68);

    public ThingyardServer A { get; } = new();
    public ThingyardServer B { get; } = new();
    public ThingyardServer C { get; } = new();

    public async Task InitializeAsync()
    {
        var all = new[] { (A, AInfo), (B, BInfo), (C, CInfo) };
        foreach (var (server, _) in all)
        {
            server.HttpPort = ThingyardServer.FreePort();
            // Peers hand out each other's MQTT endpoints, so the ports are fixed before start.
            server.Settings["Thingyard:Mqtt:Port"] = ThingyardServer.FreePort().ToString(CultureInfo.InvariantCulture);
        }
        foreach (var (server, spec) in all) Configure(server, spec, all.Where(x => x.Item1 != server).ToArray());
        await Task.WhenAll(all.Select(x => x.Item1.InitializeAsync()));
    }

    static string F(double v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>One instance's settings as a member of a federation with these peers (also used by the console's distribution tests).</summary>
    public static void Configure(ThingyardServer self, InstanceSpec me, (ThingyardServer Server, InstanceSpec Spec)[] peers)
    {
        var s = self.Settings;
        s["Thingyard:InstanceId"] = me.Id;
        s["Thingyard:RegionId"] = me.Region;
        s["Thingyard:Admin:AccountUid"] = AdminUid;
        s["Thingyard:Federation:Name"] = me.Id.ToUpperInvariant();
        s["Thingyard:Federation:SharedSecret"] = Secret;
        s["Thingyard:Federation:HttpUrl"] = $"http://127.0.0.1:{self.HttpPort}";
        s["Thingyard:Federation:MqttHost"] = "127.0.0.1";
        s["Thingyard:Federation:Latitude"] = F(me.Lat);
        s["Thingyard:Federation:Longitude"] = F(me.Lon);
        s["Thingyard:Federation:TrustedProxies:0"] = "127.0.0.1";
        s["Thingyard:Federation:GeoIpOverrides:0:Cidr"] = "10.1.0.0/16";
        s["Thingyard:Federation:GeoIpOverrides:0:Latitude"] = F(1.29);
        s["Thingyard:Federation:GeoIpOverrides:0:Longitude"] = F(103.85);
        s["Thingyard:Federation:GeoIpOverrides:1:Cidr"] = "10.2.0.0/16";
        s["Thingyard:Federation:GeoIpOverrides:1:Latitude"] = F(48.86);
        s["Thingyard:Federation:GeoIpOverrides:1:Longitude"] = F(2.35);
        s["Thingyard:Federation:GeoIpOverrides:2:Cidr"] = "10.3.0.0/16";
        s["Thingyard:Federation:GeoIpOverrides:2:Latitude"] = F(30.27); // Hangzhou: nearest to A
        s["Thingyard:Federation:GeoIpOverrides:2:Longitude"] = F(120.16);
        for (var i = 0; i < peers.Length; i++)
        {
            var (server, spec) = peers[i];
            var p = $"Thingyard:Federation:Peers:{i}:";
            s[p + "InstanceId"] = spec.Id;
            s[p + "RegionId"] = spec.Region;
            s[p + "Name"] = spec.Id.ToUpperInvariant();
            s[p + "HttpUrl"] = $"http://127.0.0.1:{server.HttpPort}";
            s[p + "MqttHost"] = "127.0.0.1";
            s[p + "MqttPort"] = server.Settings["Thingyard:Mqtt:Port"];
            s[p + "Latitude"] = F(spec.Lat);
            s[p + "Longitude"] = F(spec.Lon);
        }
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(A.DisposeAsync(), B.DisposeAsync(), C.DisposeAsync());
    }
}
