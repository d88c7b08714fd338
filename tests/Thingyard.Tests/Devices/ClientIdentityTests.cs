// What a connecting client may claim: a client id held by another device is refused (MQTT would otherwise hand that
// device's session to the newcomer and close it), the same device still takes over its own session, and client ids,
// user names and subscription counts are bounded.
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Topics;

namespace Thingyard.Tests.Devices;

public sealed class ClientIdentityTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task Another_device_cannot_take_over_a_client_id_but_the_same_device_can()
    {
        var pk = await server.NewModelledProductAsync();
        var victim = await server.NewTestDeviceAsync(pk);
        var attacker = await server.NewTestDeviceAsync(await server.NewModelledProductAsync()); // the product does not matter
        // The whole client id is the MQTT session key; the C SDK's is fully predictable (fixed 2050 timestamp).
        var sharedId = "shared-" + Guid.NewGuid().ToString("N")[..8];
        ConnectStyle Free(string clientIdBase) => new()
        {
            ClientIdBase = clientIdBase, Timestamp = "2524608000000",
            FullClientId = $"{sharedId}|securemode=3,signmethod=hmacsha1,timestamp=2524608000000|",
        };

        await using var held = await DeviceKit.ConnectAsync(server, victim, Free(sharedId));
        var closed = DeviceKit.Disconnected(held.Client);
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(victim, "ONLINE"));

        // The attacker signs the victim's client id with its own (valid) secret.
        var code = await DeviceKit.RefusedAsync(DeviceKit.Options(server, attacker, Free(sharedId)));
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, code);
        Assert.True(held.Client.IsConnected);
        Assert.False(closed.IsCompleted);

        // Also with the victim's own "pk&dn" as the base.
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, await DeviceKit.RefusedAsync(DeviceKit.Options(server, attacker, Free(sharedId))));
        Assert.True(held.Client.IsConnected);
        Assert.Equal("ONLINE", await server.StatusAsync(victim));

        // The device itself reconnecting with its id takes its session over, as before.
        await using var again = await DeviceKit.ConnectAsync(server, victim, Free(sharedId));
        Assert.Equal(MqttClientConnectResultCode.Success, again.ConnectResult!.ResultCode);
        await DeviceKit.Within(closed);
        Assert.Equal("ONLINE", await server.EventuallyStatusAsync(victim, "ONLINE"));
    }

    [Fact]
    public async Task Oversized_client_ids_and_user_names_are_refused()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var longId = new string('x', BrokerHooks.MaxClientIdLength + 1);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { ClientIdBase = longId })));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { Username = new string('n', 1_000) + "&" + d.ProductKey })));
        // A CONNECT over the pre-login packet limit does not even get a CONNACK: the connection is closed.
        using var client = new MqttClientFactory().CreateMqttClient();
        await Assert.ThrowsAnyAsync<MQTTnet.Exceptions.MqttCommunicationException>(() =>
            client.ConnectAsync(DeviceKit.Options(server, d, new ConnectStyle { Username = new string('n', 60_000) + "&" + d.ProductKey })));
    }

    [Fact]
    public async Task Subscriptions_beyond_the_per_client_limit_are_refused()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await server.AddTopicClassAsync(d.ProductKey, "+", "SUB");
        await using var device = await DeviceKit.ConnectAsync(server, d, new ConnectStyle());
        var max = server.Services.GetRequiredService<Thingyard.Server.Settings.MqttOptions>().MaxSubscriptionsPerClient;
        for (var i = 0; i < max; i++)
            Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, (await device.SubscribeAsync($"/{d.ProductKey}/{d.DeviceName}/user/t{i}")).Items.Single().ResultCode);

        var over = await device.SubscribeAsync($"/{d.ProductKey}/{d.DeviceName}/user/one-more");
        Assert.Equal(MqttClientSubscribeResultCode.UnspecifiedError, over.Items.Single().ResultCode);
        // Subscribing again to a filter it holds is not a new subscription.
        Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, (await device.SubscribeAsync($"/{d.ProductKey}/{d.DeviceName}/user/t0")).Items.Single().ResultCode);
        Assert.True(device.Client.IsConnected);
    }
}
