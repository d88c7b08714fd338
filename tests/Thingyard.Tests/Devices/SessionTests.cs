// A device's connection over its life: online status with address and time, offline on clean and abrupt close,
// dropped when disabled, replaced by a newer connection, and reachable over TLS and WebSocket as well as TCP.
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class SessionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<TestDevice> NewDeviceAsync() => await server.NewTestDeviceAsync(await server.NewModelledProductAsync());

    /// <summary>A QoS 1 property post: its PUBACK comes after everything queued before it is committed.</summary>
    static async Task PostDurablyAsync(MqttDevice device, double temperature = 21.5)
    {
        var result = await device.PublishAsync(device.Sys("thing/event/property/post"),
            $$"""{"id":"1","version":"1.0","params":{"temperature":{{temperature.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)}}},"method":"thing.event.property.post"}""", qos: 1);
        Assert.True(result.IsSuccess, result.ReasonString);
    }

    [Fact]
    public async Task Online_device_shows_its_address_and_online_time_and_goes_offline_on_disconnect()
    {
        var d = await NewDeviceAsync();
        Assert.Equal("UNACTIVE", await server.StatusAsync(d));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using (var device = await server.ConnectAsync(d))
        {
            await PostDurablyAsync(device);
            var detail = await server.DetailAsync(d);
            Assert.Equal("ONLINE", detail.Str("Status"));
            Assert.Equal("127.0.0.1", detail.Str("IpAddress"));
            Assert.False(string.IsNullOrEmpty(detail.Str("GmtOnline")), detail.ToString());
            Assert.False(string.IsNullOrEmpty(detail.Str("GmtActive")), detail.ToString());
            var row = await server.DeviceRowAsync(d);
            Assert.InRange(row.LastOnlineAtMs!.Value, before.ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(d, "OFFLINE"));
        // Last online time and address stay after the device leaves.
        Assert.Equal("127.0.0.1", (await server.DetailAsync(d)).Str("IpAddress"));
    }

    [Fact]
    public async Task A_connection_cut_without_disconnect_takes_the_device_offline()
    {
        var d = await NewDeviceAsync();
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle());
        var (connection, code) = await RawMqttConnection.ConnectAsync(server.MqttPort, clientId, username, password);
        using (connection)
        {
            Assert.Equal(0, code);
            Assert.Equal("ONLINE", await server.EventuallyStatusAsync(d, "ONLINE"));
            connection.Abort();
        }
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(d, "OFFLINE"));
    }

    [Fact]
    public async Task Disabling_a_connected_device_drops_its_connection()
    {
        var d = await NewDeviceAsync();
        await using var device = await server.ConnectAsync(d);
        var dropped = DeviceKit.Disconnected(device.Client);
        await PostDurablyAsync(device);

        await server.Call("DisableThing", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName));
        await DeviceKit.Within(dropped);
        Assert.Equal("DISABLE", await server.EventuallyStatusAsync(d, "DISABLE"));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await DeviceKit.RefusedAsync(DeviceKit.Options(server, d)));
    }

    [Fact]
    public async Task A_second_connection_with_another_client_id_replaces_the_first()
    {
        var d = await NewDeviceAsync();
        await using var first = await server.ConnectAsync(d);
        var firstDropped = DeviceKit.Disconnected(first.Client);
        await PostDurablyAsync(first);

        await using var second = await DeviceKit.ConnectAsync(server, d, new ConnectStyle { ClientIdBase = "second-connection" });
        await DeviceKit.Within(firstDropped);
        Assert.True(second.Client.IsConnected);

        var reply = await second.RequestAsync(second.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":22.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        await PostDurablyAsync(second);
        Assert.Equal("ONLINE", await server.StatusAsync(d));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // the Node SDK's default: clean=false, and the same client id on every reconnect
    public async Task A_second_connection_with_the_same_client_id_replaces_the_first(bool cleanSession)
    {
        var d = await NewDeviceAsync();
        var style = new ConnectStyle { Timestamp = "1700000000000", CleanSession = cleanSession };
        await using var first = await DeviceKit.ConnectAsync(server, d, style);
        var firstDropped = DeviceKit.Disconnected(first.Client);
        await PostDurablyAsync(first);

        await using var second = await DeviceKit.ConnectAsync(server, d, style);
        await DeviceKit.Within(firstDropped);
        Assert.True(second.Client.IsConnected);

        var reply = await second.RequestAsync(second.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":23.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        await PostDurablyAsync(second);
        Assert.Equal("ONLINE", await server.StatusAsync(d));
    }

    [Fact]
    public async Task A_device_reusing_another_devices_client_id_is_refused_while_it_is_held_and_is_only_itself_after()
    {
        // Two devices, one client id (the C SDK's id is fully predictable), clean=false. While A holds the id, B is
        // refused (taking the id over would close A's connection); once A is gone B may use it, as itself only.
        var pk = await server.NewModelledProductAsync();
        var a = await server.NewTestDeviceAsync(pk);
        var b = await server.NewTestDeviceAsync(pk);
        var sharedId = "shared-client-id|securemode=3,signmethod=hmacsha1,timestamp=2524608000000|";
        var style = new ConnectStyle { ClientIdBase = "shared-client-id", Timestamp = "2524608000000", FullClientId = sharedId, CleanSession = false };

        var deviceA = await DeviceKit.ConnectAsync(server, a, style);
        var aDropped = DeviceKit.Disconnected(deviceA.Client);
        await PostDurablyAsync(deviceA);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, await DeviceKit.RefusedAsync(DeviceKit.Options(server, b, style)));
        Assert.False(aDropped.IsCompleted);
        await deviceA.DisposeAsync();
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(a, "OFFLINE"));

        await using var deviceB = await DeviceKit.ConnectAsync(server, b, style);
        // B works on its own topics...
        var reply = await deviceB.RequestAsync(deviceB.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":30.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        // ...and cannot act as A.
        var refused = await deviceB.SubscribeAsync($"/sys/{a.ProductKey}/{a.DeviceName}/thing/event/property/post_reply");
        Assert.NotEqual(MqttClientSubscribeResultCode.GrantedQoS1, refused.Items.Single().ResultCode);
        await deviceB.PublishAsync($"/sys/{a.ProductKey}/{a.DeviceName}/thing/event/property/post",
            """{"id":"9","params":{"temperature":99.5},"method":"thing.event.property.post"}""");
        await PostDurablyAsync(deviceB, 31.5);
        Assert.DoesNotContain(await server.SamplesAsync(a), s => s.Value == "99.5");
        Assert.Equal("ONLINE", await server.StatusAsync(b));
        Assert.Equal("OFFLINE", await server.StatusAsync(a));
    }

    [Fact]
    public async Task Tls_port_serves_the_generated_certificate()
    {
        var d = await NewDeviceAsync();
        X509Certificate? seen = null;
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle { SecureMode = "2" });
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", server.MqttTlsPort)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(c => { seen = c.Certificate; return true; }))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        await using var device = await MqttDevice.ConnectAsync(options, d.ProductKey, d.DeviceName);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        Assert.NotNull(seen);
        Assert.Contains("CN=thingyard", seen!.Subject);
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":24.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WebSocket_endpoint_carries_mqtt_on_the_http_port()
    {
        var d = await NewDeviceAsync();
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle());
        var options = new MqttClientOptionsBuilder()
            .WithWebSocketServer(o => o.WithUri($"ws://127.0.0.1:{server.BaseAddress.Port}/mqtt"))
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        await using (var device = await MqttDevice.ConnectAsync(options, d.ProductKey, d.DeviceName))
        {
            Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
            var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":25.5}""");
            Assert.Equal(200, reply.GetProperty("code").GetInt32());
            await PostDurablyAsync(device);
            var detail = await server.DetailAsync(d);
            Assert.Equal("ONLINE", detail.Str("Status"));
            Assert.Equal("127.0.0.1", detail.Str("IpAddress"));
        }
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(d, "OFFLINE"));
    }
}
