// Guessing a device's password over MQTT: after too many bad CONNECTs for one device, even its right password is refused
// for the lockout (CONNACK "server unavailable", which devices retry later); other devices connect as before.
using MQTTnet;
using Thingyard.Tests.Accounts;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Devices;

public sealed class ConnectThrottleTests(ThrottledServer server) : IClassFixture<ThrottledServer>
{
    [Fact]
    public async Task After_too_many_bad_passwords_a_device_is_refused_even_with_its_secret_and_others_are_not()
    {
        var pk = await server.NewModelledProductAsync();
        var (target, other) = (await server.NewTestDeviceAsync(pk), await server.NewTestDeviceAsync(pk));
        for (var i = 0; i < ThrottledServer.PerIdentity; i++)
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
                await DeviceKit.RefusedAsync(DeviceKit.Options(server, target with { DeviceSecret = "guess" + i })));

        Assert.Equal(MqttClientConnectResultCode.ServerUnavailable, await DeviceKit.RefusedAsync(DeviceKit.Options(server, target)));
        await using var device = await server.ConnectAsync(other);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);

        using var http = server.Http();
        var metrics = await http.GetStringAsync("/metrics");
        Assert.True(MetricsText.Parse(metrics)["thingyard_auth_lockouts_total{kind=\"identity\"}"] >= 1);
    }
}
