// Device-facing HTTP (registration, bootstrap) answers with a Content-Length, never chunked: the C Link SDKs' HTTP
// clients need it (3.x fails with STATE_HTTP_RESP_MISSING_CONTENT_LEN). Requests are written by hand, as those SDKs do.
using System.Text.Json;
using Thingyard.Protocol.Signing;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

public sealed class DeviceHttpTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    int Port => server.BaseAddress.Port;

    static int Code(RawHttpResponse response) => JsonDocument.Parse(response.Body).RootElement.GetProperty("code").GetInt32();

    static Dictionary<string, string> RegistrationForm(string pk, string dn, string productSecret, string random = "8Ygb7ULYh53B6OA") => new()
    {
        ["productKey"] = pk,
        ["deviceName"] = dn,
        ["random"] = random,
        ["sign"] = DeviceSignature.Sign("hmacsha256", productSecret, $"deviceName{dn}productKey{pk}random{random}"),
        ["signMethod"] = "hmacsha256",
    };

    [Fact]
    public async Task Registration_answers_have_a_content_length_when_they_succeed_and_when_they_refuse()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var dn = (await server.NewTestDeviceAsync(pk)).DeviceName;

        var success = await RawHttp.SendAsync(Port, "POST", "/auth/register/device", RegistrationForm(pk, dn, productSecret));
        Assert.Equal(200, success.Status);
        RawHttp.AssertContentLength(success);
        Assert.Equal(200, Code(success));
        Assert.True(success.Body.Length < 256, $"{success.Body.Length} bytes: the 3.x C SDK reads at most 256");

        var badSign = await RawHttp.SendAsync(Port, "POST", "/auth/register/device", RegistrationForm(pk, dn, "not-the-product-secret"));
        RawHttp.AssertContentLength(badSign);
        Assert.Equal(6413, Code(badSign));

        var notAForm = await RawHttp.SendAsync(Port, "POST", "/auth/register/device");
        RawHttp.AssertContentLength(notAForm);
        Assert.Equal(460, Code(notAForm));
    }

    [Fact]
    public async Task A_refusal_echoing_a_long_device_name_still_fits_the_sdk_buffer()
    {
        var (pk, productSecret) = await server.NewRegistrationProductAsync();
        var unknown = await RawHttp.SendAsync(Port, "POST", "/auth/register/device", RegistrationForm(pk, new string('x', 400), productSecret));
        RawHttp.AssertContentLength(unknown);
        Assert.Equal(6100, Code(unknown));
        Assert.True(unknown.Body.Length < 256, $"{unknown.Body.Length} bytes: {unknown.Text}");
    }

    [Fact]
    public async Task Bootstrap_answers_have_a_content_length_when_they_succeed_and_when_they_refuse()
    {
        var d = await server.NewTestDeviceAsync(await server.NewProductAsync("Boot"));
        var known = await RawHttp.SendAsync(Port, "POST", "/auth/bootstrap", new Dictionary<string, string> { ["productKey"] = d.ProductKey, ["deviceName"] = d.DeviceName });
        RawHttp.AssertContentLength(known);
        Assert.Equal(200, Code(known));

        // An unknown device is answered like a known one (existence is not revealed), with the same framing.
        var unknown = await RawHttp.SendAsync(Port, "POST", "/auth/bootstrap", new Dictionary<string, string> { ["productKey"] = "a1nosuchprod", ["deviceName"] = "nobody" });
        RawHttp.AssertContentLength(unknown);
        Assert.Equal(200, Code(unknown));
        var incomplete = await RawHttp.SendAsync(Port, "POST", "/auth/bootstrap", new Dictionary<string, string> { ["productKey"] = d.ProductKey });
        RawHttp.AssertContentLength(incomplete);
        Assert.Equal(460, Code(incomplete));

        var region = await RawHttp.SendAsync(Port, "GET", "/auth/bootstrap/regionId/cn-shanghai");
        RawHttp.AssertContentLength(region);
        Assert.Equal(200, Code(region));
        Assert.Equal(server.MqttPort, JsonDocument.Parse(region.Body).RootElement.At("data.resources.mqtt.port").GetInt32());

        var noRegion = await RawHttp.SendAsync(Port, "GET", $"/auth/bootstrap/regionId/{new string('r', 300)}");
        RawHttp.AssertContentLength(noRegion);
        Assert.Equal(460, Code(noRegion));
        Assert.True(noRegion.Body.Length < 192, $"{noRegion.Body.Length} bytes: the C SDK reads 192");
    }
}
