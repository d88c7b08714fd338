// GetDeviceShadow / UpdateDeviceShadow: the document as the API returns it, desired-state updates (replace or delta)
// pushed to the connected device as "control", and version conflicts.
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Messaging;

public sealed class ShadowActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<JsonElement> ShadowAsync(TestDevice d) =>
        JsonDocument.Parse((await server.Call("GetDeviceShadow", d.Args())).Str("ShadowMessage")).RootElement;

    Task<JsonElement> UpdateAsync(TestDevice d, string desired, long version, bool? delta = null)
    {
        var p = d.Args(("ShadowMessage", $$"""{"method":"update","state":{"desired":{{desired}}},"version":{{version}}}"""));
        if (delta is { } dl) p = [.. p, ("DeltaUpdate", dl ? "true" : "false")];
        return server.Call("UpdateDeviceShadow", p);
    }

    [Fact]
    public async Task A_new_device_has_an_empty_shadow_at_version_0()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var shadow = await ShadowAsync(d);
        Assert.Equal(0, shadow.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Object, shadow.GetProperty("state").ValueKind);
        Assert.True(shadow.GetProperty("timestamp").GetInt64() > 0);
    }

    [Fact]
    public async Task Desired_state_is_stored_and_pushed_to_the_device_as_control()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectOnlineAsync(d, $"/shadow/get/{d.ProductKey}/{d.DeviceName}");

        var response = await UpdateAsync(d, """{"color":"green","level":3}""", 1);
        Assert.True(response.GetProperty("Success").GetBoolean());

        var push = (await device.NextAsync(r => r.Topic == $"/shadow/get/{d.ProductKey}/{d.DeviceName}")).Json;
        Assert.Equal("control", push.GetProperty("method").GetString());
        Assert.Equal("success", push.At("payload.status").GetString());
        Assert.Equal("green", push.At("payload.state.desired.color").GetString());
        Assert.Equal(1, push.GetProperty("version").GetInt64());
        Assert.True(push.At("payload.metadata.desired.color").TryGetProperty("timestamp", out _));

        var shadow = await ShadowAsync(d);
        Assert.Equal(1, shadow.GetProperty("version").GetInt64());
        Assert.Equal("green", shadow.At("state.desired.color").GetString());
        Assert.Equal(3, shadow.At("state.desired.level").GetInt32());
    }

    [Fact]
    public async Task An_old_version_is_a_conflict_and_changes_nothing()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await UpdateAsync(d, """{"color":"green"}""", 5);
        var same = await Assert.ThrowsAsync<RpcCallException>(() => UpdateAsync(d, """{"color":"red"}""", 5));
        Assert.Equal("iot.shadow.VersionConflict", same.Code);
        Assert.Equal(200, same.Status);
        var older = await Assert.ThrowsAsync<RpcCallException>(() => UpdateAsync(d, """{"color":"red"}""", 2));
        Assert.Equal("iot.shadow.VersionConflict", older.Code);
        var shadow = await ShadowAsync(d);
        Assert.Equal("green", shadow.At("state.desired.color").GetString());
        Assert.Equal(5, shadow.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task DeltaUpdate_merges_and_a_plain_update_replaces_the_desired_state()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await UpdateAsync(d, """{"a":1,"b":1}""", 1);
        await UpdateAsync(d, """{"b":2,"c":3}""", 2, delta: true);
        var merged = await ShadowAsync(d);
        Assert.Equal(1, merged.At("state.desired.a").GetInt32());
        Assert.Equal(2, merged.At("state.desired.b").GetInt32());
        Assert.Equal(3, merged.At("state.desired.c").GetInt32());

        await UpdateAsync(d, """{"a":"null"}""", 3, delta: true);
        Assert.False((await ShadowAsync(d)).At("state.desired").TryGetProperty("a", out _));

        await UpdateAsync(d, """{"z":9}""", 4, delta: false);
        var replaced = await ShadowAsync(d);
        Assert.Equal(["z"], replaced.At("state.desired").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task The_shadow_shows_what_the_device_reported()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var topic = $"/shadow/get/{d.ProductKey}/{d.DeviceName}";
        await using var device = await server.ConnectOnlineAsync(d, topic);
        await device.PublishAsync($"/shadow/update/{d.ProductKey}/{d.DeviceName}", """{"method":"update","state":{"reported":{"color":"blue"}},"version":7}""");
        var reply = (await device.NextAsync(r => r.Topic == topic)).Json;
        Assert.Equal("success", reply.At("payload.status").GetString());

        var shadow = await ShadowAsync(d);
        Assert.Equal("blue", shadow.At("state.reported.color").GetString());
        Assert.Equal(7, shadow.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Malformed_shadow_messages_are_refused()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        foreach (var message in new[]
                 {
                     "not json",
                     """{"method":"get"}""",
                     """{"method":"update","version":1}""",
                     """{"method":"update","state":{"reported":{"a":1}},"version":1}""",
                     """{"method":"update","state":{"desired":5},"version":1}""",
                     """{"method":"update","state":{"desired":{"a":1}},"version":"one"}""",
                 })
        {
            var e = await server.Fails("UpdateDeviceShadow", d.Args(("ShadowMessage", message)));
            Assert.Equal("iot.shadow.InvalidFormattedShadow", e.Code);
        }
        var missing = await server.Fails("UpdateDeviceShadow", d.Args());
        Assert.Equal("MissingParameter", missing.Code);
        Assert.Equal(0, (await ShadowAsync(d)).GetProperty("version").GetInt64());
    }
}
