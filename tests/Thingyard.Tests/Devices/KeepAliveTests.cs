// A device that goes silent without closing its connection (a cut cable, a frozen device) is dropped after 1.5 times
// its keepalive and goes offline; a device that keeps pinging stays. The minimum keepalive is lowered to 1 s here so
// the test takes seconds instead of the platform's 45.
using MQTTnet;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class ShortKeepAliveServer : ThingyardServer
{
    public ShortKeepAliveServer() => Settings["Thingyard:Mqtt:MinKeepAliveSeconds"] = "1";
}

public sealed class KeepAliveTests(ShortKeepAliveServer server) : IClassFixture<ShortKeepAliveServer>
{

    [Fact]
    public async Task A_silent_device_is_dropped_after_its_keepalive_and_goes_offline()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle { KeepAliveSeconds = 1 });
        var (connection, code) = await RawMqttConnection.ConnectAsync(server.MqttPort, clientId, username, password, keepAlive: 1);
        using (connection)
        {
            Assert.Equal(0, code);
            Assert.Equal("ONLINE", await server.EventuallyStatusAsync(d, "ONLINE"));
            // No PINGREQ, no DISCONNECT: the server closes the socket once 1.5 s pass without a packet.
            Assert.True(await connection.ClosedByServerAsync(15_000), "the server kept a silent connection open");
        }
        Assert.Equal("OFFLINE", await server.EventuallyStatusAsync(d, "OFFLINE"));
    }

    [Fact]
    public async Task A_device_that_pings_stays_connected_past_its_keepalive()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        // 3 s: the client pings every 3 s and the server allows 4.5, slack enough for a loaded machine.
        await using var device = await DeviceKit.ConnectAsync(server, d, new ConnectStyle { KeepAliveSeconds = 3 });
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);

        await Task.Delay(8_000); // well past 4.5 s

        Assert.True(device.Client.IsConnected);
        Assert.Equal("ONLINE", await server.StatusAsync(d));
    }

    [Fact]
    public async Task The_platform_range_still_applies_above_the_lowered_minimum()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        Assert.Equal(MqttClientConnectResultCode.ServerUnavailable,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { KeepAliveSeconds = 1201 })));
    }
}
