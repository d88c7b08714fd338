// The official Node device SDK (alibabacloud-iot-device-sdk 1.2.8, tests/compat/device.js), unchanged, against the server:
// connect and report, answer service calls and property sets, register dynamically, act as a gateway, use the shadow.
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class NodeDeviceSdkTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string Script = "device.js";

    string BrokerUrl => $"mqtt://127.0.0.1:{server.MqttPort}";

    object Triple(TestDevice d) => new { productKey = d.ProductKey, deviceName = d.DeviceName, deviceSecret = d.DeviceSecret };

    static JsonElement Line(IReadOnlyList<JsonElement> lines, string type) =>
        lines.FirstOrDefault(l => l.GetProperty("type").GetString() == type) is { ValueKind: JsonValueKind.Object } line
            ? line
            : throw new Xunit.Sdk.XunitException($"no '{type}' line in:\n{string.Join("\n", lines.Select(l => l.GetRawText()))}");

    static int Code(JsonElement line) => line.GetProperty("res").GetProperty("code").GetInt32();

    Task<List<(string Identifier, string Value)>> SamplesEventuallyAsync(TestDevice d, int count) =>
        ConnectivityCalls.EventuallyAsync(() => server.SamplesAsync(d), s => s.Count >= count);

    [Theory]
    [InlineData("sha1")]
    [InlineData("sha256")] // declares hmacsha256, signs with SHA-1 (the SDK's bug)
    [InlineData("md5")]
    public async Task Sdk_connects_and_posts_properties_and_events(string signAlgorithm)
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var lines = await NodeSdk.RunScriptAsync(Script, "connect-post", new
        {
            brokerUrl = BrokerUrl,
            d.ProductKey,
            d.DeviceName,
            d.DeviceSecret,
            signAlgorithm,
            props = new { temperature = 21.5, mode = 1 },
            @event = "overheat",
            eventParams = new { temp = 80.5 },
        });

        var props = Line(lines, "props_reply");
        Assert.Equal(200, Code(props));
        Assert.Equal($"|exp-topic|/sys/{d.ProductKey}/{d.DeviceName}/thing/event/property/post_reply",
            props.GetProperty("res").GetProperty("id").GetString()![1..]);
        Assert.Equal(200, Code(Line(lines, "event_reply")));

        // The SDK publishes at QoS 0: its reports are stored shortly after the reply.
        Assert.Equal([("temperature", "21.5"), ("mode", "1")], await SamplesEventuallyAsync(d, 2));
        var id = (await server.DeviceRowAsync(d)).Id;
        var events = await ConnectivityCalls.EventuallyAsync(async () =>
        {
            await using var db = await server.DbAsync();
            return await db.Events.AsNoTracking().Where(e => e.DeviceId == id).Select(e => e.OutputData).ToListAsync();
        }, e => e.Count > 0);
        Assert.Equal(["""{"temp":80.5}"""], events);
    }

    [Fact]
    public async Task Sdk_connects_over_tls_when_the_device_trusts_the_generated_certificate()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var args = new
        {
            brokerUrl = $"mqtts://127.0.0.1:{server.MqttTlsPort}", // the SDK switches to securemode=2 for mqtts://
            d.ProductKey,
            d.DeviceName,
            d.DeviceSecret,
            props = new { temperature = 30.5 },
            @event = "overheat",
            eventParams = new { temp = 90.5 },
        };

        // Untrusted: the SDK's TLS handshake fails and nothing connects.
        await using (var untrusted = NodeSdk.StartScript(Script, "connect-post", args))
        {
            var error = await untrusted.NextAsync("error");
            Assert.Contains("certificate", error.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"connected\"", untrusted.Transcript);
        }

        // Trusted the way Node is told about an extra CA: the certificate the server wrote beside its PFX.
        var pem = Path.Combine(server.DataDir, "mqtt-tls.crt");
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(pem));
        var lines = await NodeSdk.RunScriptAsync(Script, "connect-post", args, new Dictionary<string, string> { ["NODE_EXTRA_CA_CERTS"] = pem });

        Assert.Equal(200, Code(Line(lines, "props_reply")));
        Assert.Equal(200, Code(Line(lines, "event_reply")));
        Assert.Equal([("temperature", "30.5")], await SamplesEventuallyAsync(d, 1));
    }

    [Fact]
    public async Task Sdk_gets_the_remote_configuration_and_receives_a_push()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        using var rest = server.Rest();
        var saved = await rest.PutAsJsonAsync($"/api/v1/products/{d.ProductKey}/config", new { content = "interval=10" });
        Assert.Equal(System.Net.HttpStatusCode.OK, saved.StatusCode);

        await using var script = NodeSdk.StartScript(Script, "config", new { brokerUrl = BrokerUrl, d.ProductKey, d.DeviceName, d.DeviceSecret });
        var reply = (await script.NextAsync("config_reply")).GetProperty("res");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        using var anonymous = new HttpClient();
        Assert.Equal("interval=10", await anonymous.GetStringAsync(reply.GetProperty("data").GetProperty("url").GetString()));

        var newer = await rest.PutAsJsonAsync($"/api/v1/products/{d.ProductKey}/config", new { content = "interval=5" });
        var newerId = JsonDocument.Parse(await newer.Content.ReadAsStringAsync()).RootElement.GetProperty("configId").GetString();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await rest.PostAsync($"/api/v1/products/{d.ProductKey}/config/push", null)).StatusCode);

        var push = (await script.NextAsync("config_push")).GetProperty("res");
        Assert.Equal("thing.config.push", push.GetProperty("method").GetString());
        Assert.Equal(newerId, push.GetProperty("params").GetProperty("configId").GetString());
        await script.WaitForExitAsync();
    }

    [Fact]
    public async Task Sdk_answers_service_calls_and_receives_property_sets()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var script = NodeSdk.StartScript(Script, "service", new
        {
            brokerUrl = BrokerUrl,
            d.ProductKey,
            d.DeviceName,
            d.DeviceSecret,
            expectProps = true,
            readyProps = new { mode = 0 },
            services = new object[] { new { name = "reboot", output = new { } }, new { name = "ping", output = new { echo = 7 }, sync = true } },
        });
        Assert.Equal(200, Code(await script.NextAsync("ready")));

        // Async service: the call goes out, the SDK's reply is matched to it and recorded.
        var reboot = await server.InvokeServiceAsync(d, "reboot", """{"delay":5}""");
        Assert.Null(reboot.Reply);
        var call = await script.NextAsync("service");
        Assert.Equal("reboot", call.GetProperty("name").GetString());
        Assert.Equal("thing.service.reboot", call.GetProperty("res").GetProperty("method").GetString());
        Assert.Equal(5, call.GetProperty("res").GetProperty("params").GetProperty("delay").GetInt32());
        var deviceId = (await server.DeviceRowAsync(d)).Id;
        var recorded = await ConnectivityCalls.EventuallyAsync(async () =>
        {
            await using var db = await server.DbAsync();
            // The call is recorded through the telemetry writer, so it may not be there on the first read.
            return await db.ServiceCalls.AsNoTracking().SingleOrDefaultAsync(s => s.DeviceId == deviceId && s.MessageId == reboot.MessageId);
        }, s => s?.Code is not null);
        Assert.Equal(200, recorded!.Code);
        Assert.Equal("""{"delay":5}""", recorded!.InputData);

        // Sync service: it travels as RRPC and the call returns the SDK's answer.
        var ping = await server.InvokeServiceAsync(d, "ping", """{"n":7}""");
        Assert.NotNull(ping.Reply);
        Assert.Equal(200, ping.Reply!.Code);
        Assert.Equal(7, JsonDocument.Parse(ping.Reply.DataJson!).RootElement.GetProperty("echo").GetInt32());

        // Property set reaches onProps.
        await server.SetPropertiesAsync(d, """{"mode":1}""");
        var set = await script.NextAsync("props");
        Assert.Equal("thing.service.property.set", set.GetProperty("res").GetProperty("method").GetString());
        Assert.Equal(1, set.GetProperty("res").GetProperty("params").GetProperty("mode").GetInt32());
        await script.WaitForExitAsync();
    }

    [Fact]
    public async Task Sdk_registers_dynamically_and_connects_with_the_secret()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;
        var lines = await NodeSdk.RunScriptAsync(Script, "register", new
        {
            registerURL = new Uri(server.BaseAddress, "/auth/register/device").ToString(),
            brokerUrl = BrokerUrl,
            productKey = pk,
            productSecret,
            deviceName = dn,
            props = new { temperature = 22.5 },
        });
        var registered = Line(lines, "registered").GetProperty("res");
        Assert.Equal(200, registered.GetProperty("code").GetInt32());
        Assert.Equal(dn, registered.GetProperty("data").GetProperty("deviceName").GetString());
        Assert.Equal(200, Code(Line(lines, "props_reply")));
        Assert.Equal([("temperature", "22.5")], await SamplesEventuallyAsync(new TestDevice(pk, dn, "", ""), 1));
    }

    [Fact]
    public async Task Sdk_gateway_adds_topology_logs_a_sub_device_in_and_posts_for_it()
    {
        var gw = await server.NewTestDeviceAsync(await server.NewProductAsync("Gw", nodeType: 1));
        var sub = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var lines = await NodeSdk.RunScriptAsync(Script, "gateway", new
        {
            brokerUrl = BrokerUrl,
            gateway = Triple(gw),
            sub = Triple(sub),
            props = new { temperature = 18.5 },
        });
        Assert.Equal(200, Code(Line(lines, "topo_reply")));
        var list = Line(lines, "topo_list").GetProperty("res");
        Assert.Equal(200, list.GetProperty("code").GetInt32());
        Assert.Contains(list.GetProperty("data").EnumerateArray(), e => e.GetProperty("deviceName").GetString() == sub.DeviceName);
        Assert.Equal(200, Code(Line(lines, "login_reply")));
        Assert.Equal(200, Code(Line(lines, "sub_props_reply")));
        Assert.Equal(200, Code(Line(lines, "logout_reply")));
        Assert.Equal([("temperature", "18.5")], await SamplesEventuallyAsync(sub, 1));
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(sub, "OFFLINE"));
    }

    [Fact]
    public async Task Sdk_updates_reads_and_deletes_its_shadow()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var lines = await NodeSdk.RunScriptAsync(Script, "shadow", new
        {
            brokerUrl = BrokerUrl,
            d.ProductKey,
            d.DeviceName,
            d.DeviceSecret,
            reported = new { color = "red" },
        });
        var shadows = lines.Where(l => l.GetProperty("type").GetString() == "shadow").Select(l => l.GetProperty("res")).ToList();
        Assert.Equal(4, shadows.Count);
        Assert.All(shadows, s => Assert.Equal("success", s.GetProperty("payload").GetProperty("status").GetString()));
        Assert.Equal("red", shadows[1].GetProperty("payload").GetProperty("state").GetProperty("reported").GetProperty("color").GetString());
        Assert.False(shadows[3].GetProperty("payload").GetProperty("state").TryGetProperty("reported", out _));
    }
}
