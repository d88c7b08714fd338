// Two real instances on loopback, each with its own database and broker, peered with a shared secret:
// A in Shanghai, B in Singapore.
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Distribution;

public sealed class Federation : IAsyncLifetime
{
    public const string Secret = "federation-test-secret";
    public ThingyardServer A { get; } = new();
    public ThingyardServer B { get; } = new();

    public static readonly (string Id, string Region, double Lat, double Lon) AInfo = ("iotx-a", "cn-shanghai", 31.23, 121.47);
    public static readonly (string Id, string Region, double Lat, double Lon) BInfo = ("iotx-b", "ap-southeast-1", 1.35, 103.82);

    public async Task InitializeAsync()
    {
        A.HttpPort = ThingyardServer.FreePort();
        B.HttpPort = ThingyardServer.FreePort();
        // Peers hand out each other's MQTT endpoints, so the ports are fixed before start.
        A.Settings["Thingyard:Mqtt:Port"] = ThingyardServer.FreePort().ToString();
        B.Settings["Thingyard:Mqtt:Port"] = ThingyardServer.FreePort().ToString();
        Configure(A, AInfo, B, BInfo);
        Configure(B, BInfo, A, AInfo);
        await Task.WhenAll(A.InitializeAsync(), B.InitializeAsync());
    }

    static void Configure(ThingyardServer self, (string Id, string Region, double Lat, double Lon) me, ThingyardServer peer, (string Id, string Region, double Lat, double Lon) other)
    {
        var s = self.Settings;
        s["Thingyard:InstanceId"] = me.Id;
        s["Thingyard:RegionId"] = me.Region;
        s["Thingyard:Federation:SharedSecret"] = Secret;
        s["Thingyard:Federation:HttpUrl"] = $"http://127.0.0.1:{self.HttpPort}";
        s["Thingyard:Federation:MqttHost"] = "127.0.0.1";
        s["Thingyard:Federation:Latitude"] = me.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        s["Thingyard:Federation:Longitude"] = me.Lon.ToString(System.Globalization.CultureInfo.InvariantCulture);
        s["Thingyard:Federation:Peers:0:InstanceId"] = other.Id;
        s["Thingyard:Federation:Peers:0:RegionId"] = other.Region;
        s["Thingyard:Federation:Peers:0:HttpUrl"] = $"http://127.0.0.1:{peer.HttpPort}";
        s["Thingyard:Federation:Peers:0:MqttHost"] = "127.0.0.1";
        s["Thingyard:Federation:Peers:0:MqttPort"] = peer.Settings["Thingyard:Mqtt:Port"];
        s["Thingyard:Federation:Peers:0:Latitude"] = other.Lat.ToString(System.Globalization.CultureInfo.InvariantCulture);
        s["Thingyard:Federation:Peers:0:Longitude"] = other.Lon.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
    }
}
