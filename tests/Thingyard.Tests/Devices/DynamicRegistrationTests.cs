// "One secret per product": devices fetch their own secret over HTTP (/auth/register/device) or MQTT (authType=register),
// or a token without pre-registration (authType=regnwl), and then connect with it.
using System.Net.Http.Json;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Protocol.Signing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class DynamicRegistrationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Sign(string method, string productSecret, string pk, string dn, string random) =>
        DeviceSignature.Sign(method, productSecret, $"deviceName{dn}productKey{pk}random{random}");

    async Task<(int Status, string Body)> RegisterOverHttpAsync(string pk, string dn, string random, string sign, string signMethod = "hmacsha1")
    {
        using var http = server.Http();
        var response = await http.PostAsync("/auth/register/device", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["productKey"] = pk,
            ["deviceName"] = dn,
            ["random"] = random,
            ["sign"] = sign,
            ["signMethod"] = signMethod,
        }));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    static int Code(string body) => JsonDocument.Parse(body).RootElement.GetProperty("code").GetInt32();

    [Theory]
    [InlineData("hmacsha1")]
    [InlineData("hmacsha256")]
    public async Task Http_registration_returns_a_secret_the_device_connects_with(string signMethod)
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;
        var (status, body) = await RegisterOverHttpAsync(pk, dn, "8Ygb7ULYh53B6OA", Sign(signMethod, productSecret, pk, dn, "8Ygb7ULYh53B6OA"), signMethod);

        Assert.Equal(200, status);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(body) < 256, $"{body.Length} bytes: the C SDK reads at most 256");
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(200, root.GetProperty("code").GetInt32());
        Assert.Equal("success", root.GetProperty("message").GetString());
        var data = root.GetProperty("data");
        Assert.Equal((pk, dn), (data.Str("productKey"), data.Str("deviceName")));
        var secret = data.Str("deviceSecret");
        Assert.False(string.IsNullOrEmpty(secret));

        await using var device = await MqttDevice.ConnectAsync(server, pk, dn, secret);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":20.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Only_the_latest_secret_of_a_device_registering_again_is_valid()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;
        var first = JsonDocument.Parse((await RegisterOverHttpAsync(pk, dn, "r1", Sign("hmacsha1", productSecret, pk, dn, "r1"))).Body).RootElement;
        // The C SDK's fixed random may come again: it is not refused.
        var second = JsonDocument.Parse((await RegisterOverHttpAsync(pk, dn, "r1", Sign("hmacsha1", productSecret, pk, dn, "r1"))).Body).RootElement;
        Assert.Equal(200, second.GetProperty("code").GetInt32());
        var d = new TestDevice(pk, dn, first.Str("data.deviceSecret"), "");
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await DeviceKit.RefusedAsync(DeviceKit.Options(server, d)));
        await using var device = await MqttDevice.ConnectAsync(server, pk, dn, second.Str("data.deviceSecret"));
    }

    [Fact]
    public async Task Http_registration_is_refused_when_off_badly_signed_unknown_or_already_activated()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var d = await server.NewTestDeviceAsync(pk);

        var (_, badSign) = await RegisterOverHttpAsync(pk, d.DeviceName, "abc", Sign("hmacsha1", "not-the-product-secret", pk, d.DeviceName, "abc"));
        Assert.Equal(6413, Code(badSign));
        var (_, unknown) = await RegisterOverHttpAsync(pk, "never_registered", "abc", Sign("hmacsha1", productSecret, pk, "never_registered", "abc"));
        Assert.Equal(6100, Code(unknown));
        var (_, missing) = await RegisterOverHttpAsync(pk, d.DeviceName, "", "");
        Assert.Equal(460, Code(missing));

        await server.Call("UpdateProduct", ("ProductKey", pk), ("DynamicRegistration", "false"));
        var (_, off) = await RegisterOverHttpAsync(pk, d.DeviceName, "abc", Sign("hmacsha1", productSecret, pk, d.DeviceName, "abc"));
        Assert.Equal(6288, Code(off));
        await server.Call("UpdateProduct", ("ProductKey", pk), ("DynamicRegistration", "true"));

        // Once the device has connected it is activated: registering again needs a reset first.
        await using (var device = await server.ConnectAsync(d)) Assert.Equal("ONLINE", await server.EventuallyStatusAsync(d, "ONLINE"));
        // The status comes from the live session; the activation time is stored by the telemetry writer just after.
        await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", d.DeviceName)),
            r => r.At("Data").TryGetProperty("UtcActive", out var active) && active.ValueKind == System.Text.Json.JsonValueKind.String && active.GetString() != "");
        var (_, activated) = await RegisterOverHttpAsync(pk, d.DeviceName, "abc", Sign("hmacsha1", productSecret, pk, d.DeviceName, "abc"));
        Assert.Equal(6289, Code(activated));
        // The device's secret is unchanged.
        await using var again = await server.ConnectAsync(d);
    }

    [Fact]
    public async Task Without_the_product_secret_unknown_products_devices_and_switched_off_products_read_like_a_bad_sign()
    {
        var (pk, _) = await server.NewRegistrationProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        var (offPk, _) = await server.NewRegistrationProductAsync(dynamicRegistration: false);
        const string guess = "not-the-product-secret";
        var answers = new[]
        {
            await RegisterOverHttpAsync(pk, d.DeviceName, "abc", Sign("hmacsha1", guess, pk, d.DeviceName, "abc")),
            await RegisterOverHttpAsync(pk, "never_registered", "abc", Sign("hmacsha1", guess, pk, "never_registered", "abc")),
            await RegisterOverHttpAsync("a1NoSuchPrd0", d.DeviceName, "abc", Sign("hmacsha1", guess, "a1NoSuchPrd0", d.DeviceName, "abc")),
            await RegisterOverHttpAsync(offPk, "dev1", "abc", Sign("hmacsha1", guess, offPk, "dev1", "abc")),
        };
        Assert.Equal(6413, Code(answers[0].Body));
        Assert.All(answers, a => Assert.Equal(answers[0], a)); // same status, code and message
    }

    [Fact]
    public async Task Http_registration_wants_a_form()
    {
        var (pk, _) = await server.NewRegistrationProductAsync();
        using var http = server.Http();
        var response = await http.PostAsJsonAsync("/auth/register/device", new { productKey = pk });
        Assert.Equal(460, Code(await response.Content.ReadAsStringAsync()));
    }

    static MqttClientOptions RegisterOptions(int port, string pk, string dn, string authType, string random, string sign, bool tls = true) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId($"{dn}.{pk}|random={random},authType={authType},securemode=2,signmethod=hmacsha256|")
            .WithCredentials($"{dn}&{pk}", sign)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTlsOptions(o => o.UseTls(tls).WithCertificateValidationHandler(_ => true))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();

    /// <summary>Connects for registration and returns what the server pushes before it closes the connection.</summary>
    async Task<Received> RegisterOverMqttAsync(string pk, string dn, string authType, string random, string sign)
    {
        await using var device = await MqttDevice.ConnectAsync(RegisterOptions(server.MqttTlsPort, pk, dn, authType, random, sign), pk, dn);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        var closed = DeviceKit.Disconnected(device.Client);
        var pushed = await device.NextAsync(r => r.Topic == "/ext/" + authType);
        await DeviceKit.Within(closed);
        return pushed;
    }

    [Fact]
    public async Task Mqtt_register_pushes_the_secret_then_closes_the_connection()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;
        var pushed = await RegisterOverMqttAsync(pk, dn, "register", "xx12", Sign("hmacsha256", productSecret, pk, dn, "xx12"));
        var result = pushed.Json;
        Assert.Equal((pk, dn), (result.Str("productKey"), result.Str("deviceName")));

        await using var device = await MqttDevice.ConnectAsync(server, pk, dn, result.Str("deviceSecret"));
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task Mqtt_register_with_a_bad_sign_pushes_nothing_and_changes_nothing()
    {
        var (pk, _) = await server.NewRegistrationProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await using (var device = await MqttDevice.ConnectAsync(RegisterOptions(server.MqttTlsPort, pk, d.DeviceName, "register", "r", new string('0', 64)), pk, d.DeviceName))
        {
            var closed = DeviceKit.Disconnected(device.Client);
            await DeviceKit.Within(closed);
            Assert.False(await device.ReceivesAsync(r => r.Topic == "/ext/register", 1));
        }
        await using var again = await server.ConnectAsync(d); // the pre-registered secret still works
    }

    [Fact]
    public async Task Mqtt_registration_free_creates_the_device_and_its_token_connects_it()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = RegistryCalls.Unique("nwl");
        var pushed = (await RegisterOverMqttAsync(pk, dn, "regnwl", "r42", Sign("hmacsha256", productSecret, pk, dn, "r42"))).Json;
        Assert.Equal((pk, dn), (pushed.Str("productKey"), pushed.Str("deviceName")));
        var clientId = pushed.Str("clientId");
        var token = pushed.Str("deviceToken");
        Assert.False(string.IsNullOrEmpty(clientId));
        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal("UNACTIVE", (await server.DetailAsync(new TestDevice(pk, dn, "", ""))).Str("Status"));

        MqttClientOptions ConnWl(string password) => new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", server.MqttTlsPort)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId($"{clientId}|securemode=-2,authType=connwl,_ss=1,ext=3,lan=Python,_v=2.2.1|")
            .WithCredentials($"{dn}&{pk}", password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(_ => true))
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, await DeviceKit.RefusedAsync(ConnWl(token + "x")));
        await using var device = await MqttDevice.ConnectAsync(ConnWl(token), pk, dn);
        Assert.Equal(MqttClientConnectResultCode.Success, device.ConnectResult!.ResultCode);
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":20.5}""");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Registration_free_needs_the_product_switch_too()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync(dynamicRegistration: false);
        var dn = RegistryCalls.Unique("nwl");
        await using var device = await MqttDevice.ConnectAsync(
            RegisterOptions(server.MqttTlsPort, pk, dn, "regnwl", "r", Sign("hmacsha256", productSecret, pk, dn, "r")), pk, dn);
        await DeviceKit.Within(DeviceKit.Disconnected(device.Client));
        Assert.False(await device.ReceivesAsync(r => r.Topic == "/ext/regnwl", 1));
        await server.Fails("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", dn));
    }

    [Fact]
    public async Task Mqtt_registration_over_plain_tcp_is_refused()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;
        var options = RegisterOptions(server.MqttPort, pk, dn, "register", "r", Sign("hmacsha256", productSecret, pk, dn, "r"), tls: false);
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, await DeviceKit.RefusedAsync(options));
    }
}
