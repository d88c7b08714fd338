// MQTT CONNECT authentication: every signing variant the official SDKs send is accepted, and every bad credential is
// refused with the CONNACK code a device can act on.
using MQTTnet;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class ConnectAuthTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<TestDevice> NewDeviceAsync() => await server.NewTestDeviceAsync(await server.NewModelledProductAsync());

    static ConnectStyle Variant(string name, TestDevice d) => name switch
    {
        "node-sdk" => new ConnectStyle { Extra = ",lan=NodeJS,_v=1.2.8" },
        "dot-base" => new ConnectStyle { ClientIdBase = $"{d.ProductKey}.{d.DeviceName}" },
        "free-id" => new ConnectStyle { ClientIdBase = "AA:BB:CC:DD:EE:FF" },
        "hmacmd5" => new ConnectStyle { SignMethod = "hmacmd5" },
        "hmacsha256" => new ConnectStyle { SignMethod = "hmacsha256" },
        "sha256-alias" => new ConnectStyle { SignMethod = "sha256", SignWith = "hmacsha256" },
        // alibabacloud-iot-device-sdk 1.2.8 declares hmacsha256 but always signs with HMAC-SHA1.
        "js-sdk-sha1-bug" => new ConnectStyle { SignMethod = "hmacsha256", SignWith = "hmacsha1", Extra = ",lan=NodeJS,_v=1.2.8" },
        "timestamp-seconds" => new ConnectStyle { Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString() },
        "no-timestamp" => new ConnectStyle { Timestamp = null },
        "old-timestamp" => new ConnectStyle { Timestamp = "1000000000000" },
        "c-sdk-2050-timestamp" => new ConnectStyle { Timestamp = "2524608000000" },
        "uppercase-hex" => new ConnectStyle { UpperHex = true },
        "unknown-keys" => new ConnectStyle { Extra = ",lan=NodeJS,_v=1.2.8,ext=1,_ss=1,gw=0,foo=bar,novalue" },
        "securemode-2-tls" => new ConnectStyle { SecureMode = "2", Tls = true },
        "securemode-minus-2-tls" => new ConnectStyle { SecureMode = "-2", Tls = true },
        "python-linkkit" => new ConnectStyle
        {
            SecureMode = "2",
            Tls = true,
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(),
            Extra = ",ext=1,_ss=1,lan=Python,_v=1.2.13",
        },
        "keepalive-30" => new ConnectStyle { KeepAliveSeconds = 30 },
        "keepalive-1200" => new ConnectStyle { KeepAliveSeconds = 1200 },
        "mqtt5" => new ConnectStyle { Protocol = MQTTnet.Formatter.MqttProtocolVersion.V500 },
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [InlineData("node-sdk")]
    [InlineData("dot-base")]
    [InlineData("free-id")]
    [InlineData("hmacmd5")]
    [InlineData("hmacsha256")]
    [InlineData("sha256-alias")]
    [InlineData("js-sdk-sha1-bug")]
    [InlineData("timestamp-seconds")]
    [InlineData("no-timestamp")]
    [InlineData("old-timestamp")]
    [InlineData("c-sdk-2050-timestamp")]
    [InlineData("uppercase-hex")]
    [InlineData("unknown-keys")]
    [InlineData("securemode-2-tls")]
    [InlineData("securemode-minus-2-tls")]
    [InlineData("python-linkkit")]
    [InlineData("keepalive-30")]
    [InlineData("keepalive-1200")]
    [InlineData("mqtt5")]
    public async Task Accepts_every_signing_variant_of_the_official_sdks(string variant)
    {
        var d = await NewDeviceAsync();
        await using var device = await DeviceKit.ConnectAsync(server, d, Variant(variant, d));
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        // The session is the device's own: it may post on its topics and gets the reply.
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":20.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Accepts_the_c_sdk_handshake_exactly_as_it_is_sent()
    {
        var d = await NewDeviceAsync();
        // iotkit-embedded 3.x: base pk.dn, the 2050 constant, hmacsha256 in UPPER-case hex, keys in its own order.
        var style = new ConnectStyle
        {
            ClientIdBase = $"{d.ProductKey}.{d.DeviceName}",
            SignMethod = "hmacsha256",
            Timestamp = "2524608000000",
            UpperHex = true,
            FullClientId = $"{d.ProductKey}.{d.DeviceName}|timestamp=2524608000000,_v=sdk-c-3.2.0,securemode=3,signmethod=hmacsha256,lan=C,gw=0,ext=0|",
        };
        await using var device = await DeviceKit.ConnectAsync(server, d, style);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task Refuses_a_wrong_password()
    {
        var d = await NewDeviceAsync();
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { Password = new string('a', 40) })));
        // Signed with another device's secret.
        var other = d with { DeviceSecret = "not-the-secret" };
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await DeviceKit.RefusedAsync(DeviceKit.Options(server, other)));
    }

    [Fact]
    public async Task Falls_back_to_sha1_only_not_to_any_method()
    {
        var d = await NewDeviceAsync();
        // Declares md5 but signs with sha256: neither the declared method nor the SHA-1 fallback matches.
        var style = new ConnectStyle { SignMethod = "hmacmd5", SignWith = "hmacsha256" };
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, style)));
    }

    [Fact]
    public async Task Refuses_an_unknown_device_or_product()
    {
        var d = await NewDeviceAsync();
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d with { DeviceName = "no_such_device" })));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d with { ProductKey = "a1NoSuchPk0" })));
    }

    [Fact]
    public async Task Refuses_a_malformed_username_or_an_empty_password()
    {
        var d = await NewDeviceAsync();
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { Username = d.DeviceName + d.ProductKey })));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { Username = "&" + d.ProductKey })));
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { Password = "" })));
    }

    [Fact]
    public async Task Refuses_a_disabled_device_as_not_authorized_until_it_is_enabled()
    {
        var d = await NewDeviceAsync();
        await server.Call("DisableThing", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName));
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await DeviceKit.RefusedAsync(DeviceKit.Options(server, d)));

        await server.Call("EnableThing", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName));
        await using var device = await server.ConnectAsync(d);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(29)]
    [InlineData(1201)]
    public async Task Refuses_a_keepalive_outside_30_to_1200_seconds(int keepAlive)
    {
        var d = await NewDeviceAsync();
        Assert.Equal(MqttClientConnectResultCode.ServerUnavailable,
            await DeviceKit.RefusedAsync(DeviceKit.Options(server, d, new ConnectStyle { KeepAliveSeconds = keepAlive })));
    }

    [Fact]
    public async Task Refuses_the_same_credentials_with_a_tampered_client_id()
    {
        var d = await NewDeviceAsync();
        // The password signs the client id base: a device cannot present someone else's id with its own signature.
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle());
        var options = DeviceKit.Options(server, d, new ConnectStyle { FullClientId = "someone-else" + clientId[clientId.IndexOf('|')..], Password = password, Username = username });
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await DeviceKit.RefusedAsync(options));
    }
}
