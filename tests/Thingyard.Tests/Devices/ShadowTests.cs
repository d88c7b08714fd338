// Device shadow over MQTT: get, update and delete of reported state on /shadow/update, answers on /shadow/get in the shape
// the SDKs read, and a version that must grow (409 otherwise).
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Devices;

public sealed class ShadowTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static async Task<JsonElement> ShadowAsync(MqttDevice device, string request)
    {
        await device.PublishAsync($"/shadow/update/{device.ProductKey}/{device.DeviceName}", request);
        return (await device.NextAsync(r => r.Topic == $"/shadow/get/{device.ProductKey}/{device.DeviceName}")).Json;
    }

    static string Status(JsonElement reply) => reply.GetProperty("payload").GetProperty("status").GetString()!;

    static string ErrorCode(JsonElement reply) => reply.GetProperty("payload").GetProperty("content").GetProperty("errorcode").GetString()!;

    [Fact]
    public async Task Device_updates_gets_and_deletes_its_reported_state()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        await device.SubscribeAsync($"/shadow/get/{d.ProductKey}/{d.DeviceName}");

        var empty = await ShadowAsync(device, """{"method":"get"}""");
        Assert.Equal("reply", empty.GetProperty("method").GetString());
        Assert.Equal("success", Status(empty));
        Assert.Equal(0, empty.GetProperty("version").GetInt64());

        var updated = await ShadowAsync(device, """{"method":"update","state":{"reported":{"color":"red","level":3}},"version":1}""");
        Assert.Equal("success", Status(updated));
        Assert.Equal(1, updated.GetProperty("version").GetInt64());
        Assert.Equal(1, updated.GetProperty("payload").GetProperty("version").GetInt64());

        var got = await ShadowAsync(device, """{"method":"get"}""");
        var reported = got.GetProperty("payload").GetProperty("state").GetProperty("reported");
        Assert.Equal("red", reported.GetProperty("color").GetString());
        Assert.Equal(3, reported.GetProperty("level").GetInt32());
        Assert.True(got.GetProperty("payload").GetProperty("metadata").GetProperty("reported").TryGetProperty("color", out _));
        Assert.Equal(1, got.GetProperty("version").GetInt64());

        // The JS SDK deletes with {"k":"null"} and a newer version.
        var deleted = await ShadowAsync(device, """{"method":"delete","state":{"reported":{"color":"null"}},"version":2}""");
        Assert.Equal("success", Status(deleted));
        reported = (await ShadowAsync(device, """{"method":"get"}""")).GetProperty("payload").GetProperty("state").GetProperty("reported");
        Assert.False(reported.TryGetProperty("color", out _));
        Assert.Equal(3, reported.GetProperty("level").GetInt32());

        // "reported":"null" clears the section.
        Assert.Equal("success", Status(await ShadowAsync(device, """{"method":"delete","state":{"reported":"null"},"version":3}""")));
        var cleared = await ShadowAsync(device, """{"method":"get"}""");
        Assert.False(cleared.GetProperty("payload").GetProperty("state").TryGetProperty("reported", out _));
    }

    [Fact]
    public async Task An_update_with_a_version_that_is_not_newer_is_a_409_conflict()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        await device.SubscribeAsync($"/shadow/get/{d.ProductKey}/{d.DeviceName}");
        Assert.Equal("success", Status(await ShadowAsync(device, """{"method":"update","state":{"reported":{"color":"red"}},"version":10}""")));

        foreach (var version in new[] { 10, 9 })
        {
            var conflict = await ShadowAsync(device, $$$"""{"method":"update","state":{"reported":{"color":"blue"}},"version":{{{version}}}}""");
            Assert.Equal("reply", conflict.GetProperty("method").GetString());
            Assert.Equal("error", Status(conflict));
            Assert.Equal("409", ErrorCode(conflict));
        }
        var got = await ShadowAsync(device, """{"method":"get"}""");
        Assert.Equal("red", got.GetProperty("payload").GetProperty("state").GetProperty("reported").GetProperty("color").GetString());
        Assert.Equal(10, got.GetProperty("version").GetInt64());

        // Without a version the update is taken and the version moves on by one.
        var unversioned = await ShadowAsync(device, """{"method":"update","state":{"reported":{"color":"green"}}}""");
        Assert.Equal(11, unversioned.GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData("not json", "400")]
    [InlineData("""{"state":{"reported":{"a":1}}}""", "401")]
    [InlineData("""{"method":"update","version":5}""", "402")]
    [InlineData("""{"method":"update","state":{"reported":{"a":1}},"version":"five"}""", "403")]
    [InlineData("""{"method":"update","state":{"other":{"a":1}}}""", "404")]
    [InlineData("""{"method":"update","state":{"desired":{"a":1}}}""", "406")]
    [InlineData("""{"method":"explode"}""", "406")]
    public async Task Malformed_shadow_requests_get_an_error_payload(string request, string errorCode)
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        await device.SubscribeAsync($"/shadow/get/{d.ProductKey}/{d.DeviceName}");
        var reply = await ShadowAsync(device, request);
        Assert.Equal("error", Status(reply));
        Assert.Equal(errorCode, ErrorCode(reply));
        Assert.True(device.Client.IsConnected);
    }
}
