// Proprietary apps over real HTTP, signed by tests/compat/app-gateway.js: a client written from API Gateway's documented
// algorithm, not from the server's code. It signs in an end user, binds a device, lists devices with query parameters,
// switches the light (the device receives it) and signs with HmacSHA1; a wrong secret, a replayed nonce, an expired
// timestamp, a body changed after signing, an unknown AppKey and another project's sign-in are each refused with the
// gateway's error message. And the app's management: the secret shown once, reset (the old one stops), disabled.
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.EndUsers;

public sealed class ProprietaryAppTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<Dictionary<string, JsonElement>> WalkAsync(Lamp lamp, string appKey, string appSecret, string login, string code, string otherProject)
    {
        var lines = await NodeSdk.RunScriptAsync("app-gateway.js", "walk", new
        {
            baseUrl = server.BaseAddress.ToString().TrimEnd('/'), appKey, appSecret, projectId = lamp.ProjectId, login, password = "pass-word-1",
            productKey = lamp.ProductKey, code, otherProjectId = otherProject,
        });
        Assert.DoesNotContain(lines, l => l.Str("type") is "error" or "timeout");
        return lines.Where(l => l.Str("type") != "done").ToDictionary(l => l.Str("type"));
    }

    [Fact]
    public async Task An_app_signing_like_the_api_gateway_drives_the_end_user_api_and_bad_signatures_are_refused()
    {
        var lamp = await server.ReleasedLampAsync();
        var other = await server.ReleasedLampAsync();
        var app = (await server.Call("CreateProprietaryApp", ("ProjectId", lamp.ProjectId), ("AppName", "Our lamp app"))).At("Data");
        Assert.Matches("^[0-9]{8}$", app.Str("AppKey"));
        var d = await server.NewDeviceAsync(lamp.ProductKey);
        await using var device = await MqttDevice.ConnectAsync(server, lamp.ProductKey, d.Str("DeviceName"), d.Str("DeviceSecret"));
        await device.SubscribeAsync(device.Sys("thing/service/property/set"));
        using var user = await server.SignUpAsync(lamp.ProjectId);

        var steps = await WalkAsync(lamp, app.Str("AppKey"), app.Str("AppSecret"), user.Login, await server.BindCodeAsync(lamp.ProductKey, d.Str("DeviceName")), other.ProjectId);
        foreach (var ok in new[] { "signin", "bind", "list", "set", "sha1" })
            Assert.True(steps[ok].GetProperty("status").GetInt32() == 200, $"{ok}: {steps[ok]}");
        Assert.Equal(d.Str("IotId"), steps["list"].Str("body.devices.0.iotId"));
        var set = await device.NextAsync(r => r.Topic.EndsWith("/thing/service/property/set"));
        Assert.Equal(1, set.Json.GetProperty("params").GetProperty("LightSwitch").GetInt32());

        static string Error(JsonElement step) => step.GetProperty("status").GetInt32() + " " + step.Str("error");
        Assert.StartsWith("400 Invalid Signature", Error(steps["bad-signature"]));
        Assert.Equal("400 Nonce Used", Error(steps["replay"]));
        Assert.Equal("400 Invalid Timestamp", Error(steps["expired"]));
        Assert.Equal("400 Invalid Content-MD5", Error(steps["tampered"]));
        Assert.Equal("400 Invalid AppKey", Error(steps["unknown-key"]));
        Assert.Equal("400 Invalid AppKey for this project", Error(steps["other-project"]));
        // The tampered request changed nothing on the device.
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/thing/service/property/set"), 300));
    }

    [Fact]
    public async Task An_apps_secret_is_reset_and_a_disabled_app_is_refused()
    {
        var lamp = await server.ReleasedLampAsync();
        var app = (await server.Call("CreateProprietaryApp", ("ProjectId", lamp.ProjectId), ("AppName", "Resettable"))).At("Data");
        var appKey = app.Str("AppKey");
        var listed = (await server.Call("QueryProprietaryAppList", ("ProjectId", lamp.ProjectId))).At("Data.List.0");
        Assert.Equal((appKey, false), (listed.Str("AppKey"), listed.TryGetProperty("AppSecret", out _))); // shown once
        var fresh = (await server.Call("ResetProprietaryAppSecret", ("AppKey", appKey))).Str("Data.AppSecret");
        Assert.NotEqual(app.Str("AppSecret"), fresh);
        using var user = await server.SignUpAsync(lamp.ProjectId);

        async Task<JsonElement> SignInAsync(string secret)
        {
            var lines = await NodeSdk.RunScriptAsync("app-gateway.js", "walk", new
            {
                baseUrl = server.BaseAddress.ToString().TrimEnd('/'), appKey, appSecret = secret, projectId = lamp.ProjectId, login = user.Login,
                password = "pass-word-1", productKey = lamp.ProductKey, code = "NONE", otherProjectId = lamp.ProjectId,
            });
            return lines.First(l => l.Str("type") == "signin");
        }
        Assert.StartsWith("Invalid Signature", (await SignInAsync(app.Str("AppSecret"))).Str("error"));
        Assert.Equal(200, (await SignInAsync(fresh)).GetProperty("status").GetInt32());
        await server.Call("UpdateProprietaryAppStatus", ("AppKey", appKey), ("Enabled", "false"));
        Assert.Equal("Invalid AppKey", (await SignInAsync(fresh)).Str("error"));
        await server.Call("DeleteProprietaryApp", ("AppKey", appKey));
        Assert.Empty((await server.Call("QueryProprietaryAppList", ("ProjectId", lamp.ProjectId))).At("Data.List").EnumerateArray());
    }
}
