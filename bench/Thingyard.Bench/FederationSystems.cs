// Two federated Thingyard instances for the distribution bench: A (Shanghai) and B (Singapore), each the Release server
// as a child with its own fresh data dir and loopback HTTP and MQTT ports, sharing one federation secret and one admin
// account (the same uid on both), each listing the other as its peer. Configured as tests/.../Distribution/Federation.cs.
using System.Globalization;

namespace Thingyard.Bench;

public sealed record InstanceSpec(string Label, string Id, string Region, double Lat, double Lon);

public sealed class FederationSystems : IDisposable
{
    public const string Secret = "bench-federation-secret-0000000001";
    public const string AccountUid = "1000000000000001";
    public static readonly InstanceSpec ASpec = new("A", "iotx-bench-a", "cn-shanghai", 31.23, 121.47);
    public static readonly InstanceSpec BSpec = new("B", "iotx-bench-b", "ap-southeast-1", 1.35, 103.82);

    public required ThingyardSystem A { get; init; }
    public required ThingyardSystem B { get; init; }

    public IEnumerable<ThingyardSystem> Both => [A, B];

    public static async Task<FederationSystems> StartAsync(BenchOptions o, Action<string> say)
    {
        // Each names the other's HTTP and MQTT ports in its peer list, so all four are fixed before either starts.
        var ports = new[] { ASpec, BSpec }.ToDictionary(s => s.Id, _ => (Http: ChildProcess.FreePort(), Mqtt: ChildProcess.FreePort()));
        Task<ThingyardSystem> Start(InstanceSpec me, InstanceSpec peer)
        {
            var name = "thingyard-" + me.Label.ToLowerInvariant();
            var dataDir = Path.Combine(o.DataDir ?? o.WorkDir, name + "-data");
            var (http, mqtt) = ports[me.Id];
            return ThingyardSystem.StartAsync(o, say, name, dataDir, http, mqtt, Settings(me, http, peer, ports[peer.Id]));
        }
        var started = await Task.WhenAll(Start(ASpec, BSpec), Start(BSpec, ASpec));
        return new FederationSystems { A = started[0], B = started[1] };
    }

    static Dictionary<string, string> Settings(InstanceSpec me, int httpPort, InstanceSpec peer, (int Http, int Mqtt) peerPorts)
    {
        static string F(double v) => v.ToString(CultureInfo.InvariantCulture);
        const string f = "Thingyard__Federation__";
        const string p = f + "Peers__0__";
        return new Dictionary<string, string>
        {
            ["Thingyard__InstanceId"] = me.Id,
            ["Thingyard__RegionId"] = me.Region,
            ["Thingyard__Admin__AccountUid"] = AccountUid,
            [f + "Name"] = me.Id.ToUpperInvariant(),
            [f + "SharedSecret"] = Secret,
            [f + "HttpUrl"] = $"http://127.0.0.1:{httpPort}",
            [f + "MqttHost"] = "127.0.0.1",
            [f + "Latitude"] = F(me.Lat),
            [f + "Longitude"] = F(me.Lon),
            [p + "InstanceId"] = peer.Id,
            [p + "RegionId"] = peer.Region,
            [p + "Name"] = peer.Id.ToUpperInvariant(),
            [p + "HttpUrl"] = $"http://127.0.0.1:{peerPorts.Http}",
            [p + "MqttHost"] = "127.0.0.1",
            [p + "MqttPort"] = peerPorts.Mqtt.ToString(CultureInfo.InvariantCulture),
            [p + "Latitude"] = F(peer.Lat),
            [p + "Longitude"] = F(peer.Lon),
        };
    }

    public void Stop()
    {
        A.Process.Stop();
        B.Process.Stop();
    }

    public void Dispose()
    {
        A.Dispose();
        B.Dispose();
    }
}
