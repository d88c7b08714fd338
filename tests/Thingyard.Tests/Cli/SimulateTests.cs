// `thingyard simulate` against a live server: devices are registered (or reused), connect over real MQTT and go online,
// their generated property values are accepted and stored, and they answer service calls and property sets.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Protocol.Devices;
using Thingyard.Cli.Simulation;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cli;

public sealed class SimulateTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    string Mqtt => $"mqtt://127.0.0.1:{server.MqttPort}";

    async Task<Device> DeviceAsync(string pk, string dn)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        return await db.Devices.AsNoTracking().SingleAsync(d => d.ProductKey == pk && d.DeviceName == dn);
    }

    /// <summary>QueryDevicePropertyStatus: identifier to reported value, for the properties that have one.</summary>
    async Task<Dictionary<string, string>> LatestPropertiesAsync(string pk, string dn)
    {
        var body = await server.Call("QueryDevicePropertyStatus", ("ProductKey", pk), ("DeviceName", dn));
        return body.At("Data.List.PropertyStatusInfo").EnumerateArray()
            .Where(p => p.GetProperty("Value").ValueKind == JsonValueKind.String)
            .ToDictionary(p => p.Str("Identifier"), p => p.Str("Value"));
    }

    Task<bool> AllOnlineAsync(string pk, IEnumerable<string> names) => CliRun.WaitUntilAsync(async () =>
    {
        foreach (var name in names)
            if ((await server.Call("GetDeviceStatus", ("ProductKey", pk), ("DeviceName", name))).Str("Data.Status") != "ONLINE") return false;
        return true;
    });

    [Fact]
    public async Task Three_devices_go_online_and_their_property_posts_are_stored()
    {
        var pk = await server.NewModelledProductAsync();
        string[] names = ["sim-0001", "sim-0002", "sim-0003"];

        // Ten posts a second each: at one a second, a CI machine still busy building connected the devices so late in
        // the 2 s that only two posts went out.
        var run = CliRun.RunAsync(server, "simulate", "--product", pk, "--count", "3", "--rate", "10", "--duration", "2", "--mqtt", Mqtt, "--json");
        var online = await AllOnlineAsync(pk, names);
        var result = await run;

        Assert.True(result.Code == 0, result.Err);
        Assert.True(online, "the simulated devices were not all ONLINE while the simulation ran");
        var summary = result.Json;
        Assert.Equal(3, summary.GetProperty("Devices").GetInt32());
        Assert.Equal(3, summary.GetProperty("Connected").GetInt32());
        Assert.True(summary.GetProperty("Posts").GetInt64() >= 3, summary.ToString());
        Assert.Equal(0, summary.GetProperty("RepliesError").GetInt64());
        Assert.True(summary.GetProperty("RepliesOk").GetInt64() >= 3, summary.ToString());
        Assert.Empty(summary.GetProperty("Errors").EnumerateArray());

        foreach (var name in names)
        {
            var detail = await server.Call("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", name));
            Assert.Equal(name, detail.Str("Data.DeviceName"));
            Dictionary<string, string> latest = [];
            Assert.True(await CliRun.WaitUntilAsync(async () => (latest = await LatestPropertiesAsync(pk, name)).Count == 3),
                $"{name} has values for {string.Join(", ", latest.Keys)}");
            Assert.InRange(double.Parse(latest["temperature"], System.Globalization.CultureInfo.InvariantCulture), -40, 120);
            Assert.Contains(latest["mode"], new[] { "0", "1" });
        }
        // Disconnected cleanly at the end.
        Assert.True(await CliRun.WaitUntilAsync(async () =>
            (await server.Call("GetDeviceStatus", ("ProductKey", pk), ("DeviceName", "sim-0001"))).Str("Data.Status") == "OFFLINE"));
    }

    [Fact]
    public async Task Simulated_device_answers_service_calls_and_property_sets()
    {
        var pk = await server.NewModelledProductAsync();
        // Registered beforehand: the simulator must find it and connect with its existing secret.
        await server.NewTestDeviceAsync(pk, "call-0001");

        var run = CliRun.RunAsync(server, "simulate", "--product", pk, "--count", "1", "--prefix", "call", "--duration", "4", "--mqtt", Mqtt, "--json");
        Assert.True(await AllOnlineAsync(pk, ["call-0001"]), "the simulated device did not come online");
        (string, string)[] device = [("ProductKey", pk), ("DeviceName", "call-0001")];

        // ONLINE comes with CONNECT; the subscriptions follow right after, so the first call may find none yet.
        JsonElement ping = default;
        Assert.True(await CliRun.WaitUntilAsync(async () =>
        {
            ping = await server.Call("InvokeThingService", device.With(("Identifier", "ping"), ("Args", """{"n":7}""")));
            return true;
        }, 5_000), "the sync service call never got through");
        var echo = JsonDocument.Parse(ping.Str("Data.Result")).RootElement.GetProperty("echo").GetInt32();
        Assert.InRange(echo, 0, 1000);

        await server.Call("InvokeThingService", device.With(("Identifier", "reboot"), ("Args", """{"delay":3}""")));
        await server.Call("SetDeviceProperty", device.With(("Items", """{"mode":1}""")));
        var result = await run;

        Assert.True(result.Code == 0, result.Err);
        var summary = result.Json;
        Assert.True(summary.GetProperty("CallsAnswered").GetInt64() >= 3, summary.ToString());
        Assert.Equal(0, summary.GetProperty("RepliesError").GetInt64());
        Assert.Equal(1, summary.GetProperty("Connected").GetInt32());

        // The async reply was recorded, and the set value was posted back and kept.
        var deviceId = (await DeviceAsync(pk, "call-0001")).Id;
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        Assert.True(await CliRun.WaitUntilAsync(async () =>
            await db.ServiceCalls.AsNoTracking().AnyAsync(c => c.DeviceId == deviceId && c.Identifier == "reboot" && c.Code == 200)));
        Assert.Equal("1", (await LatestPropertiesAsync(pk, "call-0001"))["mode"]);
    }

    [Fact]
    public async Task An_unreachable_broker_is_an_error()
    {
        var pk = await server.NewModelledProductAsync();
        var result = await CliRun.RunAsync(server, "simulate", "--product", pk, "--count", "1", "--prefix", "dead", "--duration", "5", "--mqtt", "mqtt://127.0.0.1:1");
        Assert.Equal(1, result.Code);
        Assert.StartsWith("error: no device could connect to mqtt://127.0.0.1:1", result.Err.Split('\n').Last(l => l.Length > 0));
    }

    [Fact]
    public async Task Unknown_product_fails_before_anything_connects()
    {
        var result = await CliRun.RunAsync(server, "simulate", "--product", "a1NoSuchProd", "--count", "1", "--duration", "1", "--mqtt", Mqtt);
        Assert.Equal(1, result.Code);
        Assert.StartsWith("error: iot.prod.NotExistedProduct: ", result.Err);
    }

    [Fact]
    public async Task Bad_options_are_usage_errors()
    {
        Assert.Equal(2, (await CliRun.RunAsync(server, "simulate", "--count", "1")).Code);
        Assert.Equal(2, (await CliRun.RunAsync(server, "simulate", "--product", "a1X", "--count", "0")).Code);
        Assert.Equal(2, (await CliRun.RunAsync(server, "simulate", "--product", "a1X", "--rate", "0")).Code);
        Assert.Equal(2, (await CliRun.RunAsync(server, "simulate", "--product", "a1X", "--prefix", "bad prefix!")).Code);
    }

    [Fact]
    public void Credentials_are_signed_the_way_the_js_sdk_signs_them()
    {
        var (clientId, userName, password) = SimulatedDevice.Credentials(new DeviceTriplet("a1PK", "dev1", "secret123"), 1795374847728);
        Assert.Equal("a1PK&dev1|securemode=3,signmethod=hmacsha1,timestamp=1795374847728,lan=thingyard-sim|", clientId);
        Assert.Equal("dev1&a1PK", userName);
        // HMAC-SHA1("secret123", "clientIda1PK&dev1deviceNamedev1productKeya1PKtimestamp1795374847728"), computed outside .NET.
        Assert.Equal("3d5cb9abb8380e5f543cd16ae5d1b0921cfb2741", password);
    }

    [Fact]
    public void Mqtt_endpoints_default_to_port_1883()
    {
        Assert.Equal(new MqttEndpoint("broker.local", 1883, false), MqttEndpoint.Parse("mqtt://broker.local"));
        Assert.Equal(new MqttEndpoint("10.0.0.2", 2883, true), MqttEndpoint.Parse("mqtts://10.0.0.2:2883"));
        Assert.Equal(new MqttEndpoint("iot.example.com", 1883, false), MqttEndpoint.Beside(new Uri("https://iot.example.com/")));
        Assert.Throws<Thingyard.Cli.CliException>(() => MqttEndpoint.Parse("http://broker.local:1883"));
    }
}
