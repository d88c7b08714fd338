// The AliGenie skill end to end over real HTTP and MQTT: account linking with OpenIddict (authorize, the sign-in page,
// the code, the token, a refresh), then directives with the token: discovery lists exactly the end user's bound
// devices with their mapped properties and actions, TurnOn / SetBrightness / AdjustUpBrightness reach a simulated
// device as the matching property sets, Query answers the reported values. Another end user's token sees none of
// them; offline, unknown, foreign and revoked cases answer AliGenie's error codes.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.AliGenie;

public sealed class AliGenieFlowTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string[] Ids(JsonElement discovery) => discovery.At("payload.devices").EnumerateArray().Select(d => d.Str("deviceId")).Order().ToArray();

    static Task<JsonElement> PropertySetAsync(MqttDevice device) => device.NextRequestAsync(device.Sys("thing/service/property/set"));

    [Fact]
    public async Task A_linked_end_user_discovers_controls_and_queries_only_their_own_devices()
    {
        var project = await server.ProjectAsync();
        var pk = await server.CategoryProductAsync(project, "Lamp");
        var (lamp, idle, bobs, invited) = (await server.NewTestDeviceAsync(pk), await server.NewTestDeviceAsync(pk), await server.NewTestDeviceAsync(pk),
            await server.NewTestDeviceAsync(pk));
        var (ann, bob) = (await server.EndUserAsync(project), await server.EndUserAsync(project));
        await server.BindAsync(ann, lamp.IotId);
        await server.BindAsync(ann, idle.IotId);
        await server.BindAsync(ann, invited.IotId, pending: true);
        await server.BindAsync(bob, bobs.IotId);
        var skill = (await server.Call("CreateAliGenieSkill", ("ProjectId", project), ("RedirectUri", AliGenieKit.Callback))).At("Data");
        var (clientId, secret) = (skill.Str("ClientId"), skill.Str("ClientSecret"));
        Assert.EndsWith("/aligenie/v1/gateway", skill.Str("GatewayUrl"));

        var anns = await server.LinkAsync(clientId, secret, ann);
        var bobsLink = await server.LinkAsync(clientId, secret, bob);

        // Discovery: Ann's two accepted devices (not the pending invitation, not Bob's), as lights with the lamp's actions.
        var discovered = await server.DiscoverAsync(anns.AccessToken);
        Assert.Equal("DiscoveryDevicesResponse", discovered.Str("header.name"));
        Assert.Equal(new[] { lamp.IotId, idle.IotId }.Order(), Ids(discovered));
        var light = discovered.At("payload.devices").EnumerateArray().First(d => d.Str("deviceId") == lamp.IotId);
        Assert.Equal(("light", "Living room"), (light.Str("deviceType"), light.Str("zone")));
        var actions = light.At("actions").EnumerateArray().Select(a => a.GetString()).ToList();
        Assert.Contains("TurnOn", actions);
        Assert.Contains("SetBrightness", actions);
        Assert.Contains("SetColorTemperature", actions);

        await using var device = await server.ConnectOnlineAsync(lamp, "thing/service/property/set");
        await device.PostPropertiesAsync("""{"LightSwitch":0,"Brightness":20}""");

        var on = await server.DirectiveAsync("Control", "TurnOn", anns.AccessToken, lamp.IotId, "on");
        Assert.Equal(("TurnOnResponse", lamp.IotId), (on.Str("header.name"), on.Str("payload.deviceId")));
        Assert.Equal("""{"LightSwitch":1}""", (await PropertySetAsync(device)).At("params").GetRawText());

        var bright = await server.DirectiveAsync("Control", "SetBrightness", anns.AccessToken, lamp.IotId, "60");
        Assert.Equal("SetBrightnessResponse", bright.Str("header.name"));
        Assert.Equal("""{"Brightness":60}""", (await PropertySetAsync(device)).At("params").GetRawText());

        await device.PostPropertiesAsync("""{"LightSwitch":1,"Brightness":60}""");
        // The report is written in the background: asked again until it shows.
        static Dictionary<string, string> Values(JsonElement answer) =>
            answer.At("properties").EnumerateArray().ToDictionary(p => p.Str("name"), p => p.Str("value"));
        var query = await ConnectivityCalls.EventuallyAsync(() => server.DirectiveAsync("Query", "Query", anns.AccessToken, lamp.IotId),
            a => Values(a).GetValueOrDefault("brightness") == "60");
        Assert.Equal(("QueryResponse", lamp.IotId), (query.Str("header.name"), query.Str("payload.deviceId")));
        Assert.Equal(("on", "60"), (Values(query)["powerstate"], Values(query)["brightness"]));
        var power = await server.DirectiveAsync("Query", "QueryPowerState", anns.AccessToken, lamp.IotId);
        Assert.Equal("on", Assert.Single(power.At("properties").EnumerateArray()).Str("value"));

        var up = await server.DirectiveAsync("Control", "AdjustUpBrightness", anns.AccessToken, lamp.IotId, 15);
        Assert.Equal("AdjustUpBrightnessResponse", up.Str("header.name"));
        Assert.Equal("""{"Brightness":75}""", (await PropertySetAsync(device)).At("params").GetRawText());

        // Bob, linked through the same skill, sees only his device, and Ann's devices do not exist for him.
        Assert.Equal([bobs.IotId], Ids(await server.DiscoverAsync(bobsLink.AccessToken)));
        Assert.Equal("DEVICE_IS_NOT_EXIST", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "TurnOff", bobsLink.AccessToken, lamp.IotId)));
        Assert.Equal("DEVICE_IS_NOT_EXIST", AliGenieKit.ErrorOf(await server.DirectiveAsync("Query", "Query", bobsLink.AccessToken, lamp.IotId)));
        Assert.Equal("DEVICE_IS_NOT_EXIST", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "TurnOn", anns.AccessToken, invited.IotId)));
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/property/set"), 500));

        // Ann's second lamp never connected: offline, and nothing is sent.
        var offline = await server.DirectiveAsync("Control", "TurnOn", anns.AccessToken, idle.IotId);
        Assert.Equal(("IOT_DEVICE_OFFLINE", idle.IotId), (AliGenieKit.ErrorOf(offline), offline.Str("payload.deviceId")));

        // Wrong directives and values.
        Assert.Equal("INVALIDATE_CONTROL_ORDER", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "Explode", anns.AccessToken, lamp.IotId)));
        Assert.Equal("INVALIDATE_CONTROL_ORDER", AliGenieKit.ErrorOf(await server.DirectiveAsync("Discovery", "Nothing", anns.AccessToken)));
        Assert.Equal("DEVICE_NOT_SUPPORT_FUNCTION", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "SetTemperature", anns.AccessToken, lamp.IotId, 22)));
        Assert.Equal("INVALIDATE_PARAMS", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "SetBrightness", anns.AccessToken, lamp.IotId, "bright")));
        Assert.Equal("INVALIDATE_PARAMS", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "SetBrightness", anns.AccessToken, lamp.IotId, 250)));
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/property/set"), 500));

        // A refreshed token works; the refresh token itself is no access token.
        var refreshed = await server.TokenAsync(clientId, secret, ("grant_type", "refresh_token"), ("refresh_token", anns.RefreshToken));
        Assert.Equal(new[] { lamp.IotId, idle.IotId }.Order(), Ids(await server.DiscoverAsync(refreshed.Str("access_token"))));
        Assert.Equal("ACCESS_TOKEN_INVALIDATE", AliGenieKit.ErrorOf(await server.DiscoverAsync(anns.RefreshToken)));
        Assert.Equal("ACCESS_TOKEN_INVALIDATE", AliGenieKit.ErrorOf(await server.DiscoverAsync("not-a-token")));
        Assert.Equal("ACCESS_TOKEN_INVALIDATE", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "TurnOn", "", lamp.IotId)));

        // A token of an end user who deleted their account is refused, and a refresh gets nothing new.
        using (var app = server.Http())
        {
            var session = await JsonOf(await app.PostAsJsonAsync($"/app/v1/projects/{project}/sessions", new { login = bob, password = "linking-pass-1" }), HttpStatusCode.OK);
            app.DefaultRequestHeaders.Authorization = new("Bearer", session.Str("accessToken"));
            Assert.Equal(HttpStatusCode.NoContent, (await app.DeleteAsync("/app/v1/me")).StatusCode);
        }
        Assert.Equal("ACCESS_TOKEN_INVALIDATE", AliGenieKit.ErrorOf(await server.DiscoverAsync(bobsLink.AccessToken)));
        Assert.False((await server.TokenResponseAsync(clientId, secret, ("grant_type", "refresh_token"), ("refresh_token", bobsLink.RefreshToken))).IsSuccessStatusCode);

        // Deleting the skill revokes every token it issued.
        await server.Call("DeleteAliGenieSkill", ("ProjectId", project));
        Assert.Equal("ACCESS_TOKEN_INVALIDATE", AliGenieKit.ErrorOf(await server.DiscoverAsync(refreshed.Str("access_token"))));
    }

    [Fact]
    public async Task Linking_refuses_wrong_passwords_unregistered_redirects_and_wrong_client_secrets()
    {
        var project = await server.ProjectAsync();
        var ann = await server.EndUserAsync(project);
        foreach (var bad in new[] { "open.bot.tmall.com/oauth/callback", "ftp://open.bot.tmall.com/cb", "https://open.bot.tmall.com/cb#x" })
            Assert.Equal("iot.common.InvalidFormattedParameter", (await server.Fails("CreateAliGenieSkill", ("ProjectId", project), ("RedirectUri", bad))).Code);
        Assert.Equal("iot.aligenie.NotExistedSkill", (await server.Fails("QueryAliGenieSkill", ("ProjectId", project))).Code);
        var skill = (await server.Call("CreateAliGenieSkill", ("ProjectId", project), ("RedirectUri", AliGenieKit.Callback))).At("Data");
        var (clientId, secret) = (skill.Str("ClientId"), skill.Str("ClientSecret"));
        Assert.Equal("iot.aligenie.AlreadyExistedSkill", (await server.Fails("CreateAliGenieSkill", ("ProjectId", project), ("RedirectUri", AliGenieKit.Callback))).Code);
        var shown = (await server.Call("QueryAliGenieSkill", ("ProjectId", project))).At("Data");
        Assert.Equal((clientId, AliGenieKit.Callback), (shown.Str("ClientId"), shown.At("RedirectUris")[0].GetString()));
        Assert.False(shown.TryGetProperty("ClientSecret", out _)); // shown once, at creation

        using var browser = server.Browser();
        var page = await browser.GetAsync(AliGenieKit.AuthorizeUrl(clientId));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var wrong = await browser.PostAsync("/aligenie/oauth/authorize", new FormUrlEncodedContent(AliGenieKit.FormOf(html, ann, "not-the-password")));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Null(wrong.Headers.Location);
        // A sign-in from another project's pool is no sign-in here.
        var stranger = await server.EndUserAsync(await server.ProjectAsync());
        var foreign = await browser.PostAsync("/aligenie/oauth/authorize", new FormUrlEncodedContent(AliGenieKit.FormOf(html, stranger, "linking-pass-1")));
        Assert.Equal(HttpStatusCode.Unauthorized, foreign.StatusCode);
        // The form without its antiforgery token (a cross-site post) is refused.
        var forged = AliGenieKit.FormOf(html, ann, "linking-pass-1").Where(f => !f.Key.StartsWith("__", StringComparison.Ordinal)).ToDictionary();
        using (var other = server.Browser())
            Assert.Equal(HttpStatusCode.BadRequest, (await other.PostAsync("/aligenie/oauth/authorize", new FormUrlEncodedContent(forged))).StatusCode);

        // A redirect URI the skill did not register never receives a code: another host, path or skill, a user name.
        foreach (var uri in new[]
        {
            "https://attacker.example/oauth/callback?skillId=4242", "https://open.bot.tmall.com/oauth/other?skillId=4242",
            "https://open.bot.tmall.com/oauth/callback?skillId=9999", "https://open.bot.tmall.com/oauth/callback",
            "https://x@open.bot.tmall.com/oauth/callback?skillId=4242", "http://open.bot.tmall.com/oauth/callback?skillId=4242",
        })
        {
            var elsewhere = await browser.GetAsync(AliGenieKit.AuthorizeUrl(clientId, uri));
            Assert.True(elsewhere.StatusCode == HttpStatusCode.BadRequest, uri);
            Assert.Null(elsewhere.Headers.Location);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.GetAsync(AliGenieKit.AuthorizeUrl("aligenie_prj_unknown"))).StatusCode);

        // The code with a wrong client secret is refused, and works once with the right one.
        var signedIn = await browser.PostAsync("/aligenie/oauth/authorize", new FormUrlEncodedContent(AliGenieKit.FormOf(html, ann, "linking-pass-1")));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var code = System.Web.HttpUtility.ParseQueryString(signedIn.Headers.Location!.Query)["code"]!;
        var badSecret = await server.TokenResponseAsync(clientId, secret + "x", ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AliGenieKit.Callback));
        Assert.False(badSecret.IsSuccessStatusCode);
        Assert.Contains("invalid_client", await badSecret.Content.ReadAsStringAsync());
        var token = await server.TokenAsync(clientId, secret, ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", AliGenieKit.Callback));
        Assert.Equal("DiscoveryDevicesResponse", (await server.DiscoverAsync(token.Str("access_token"))).Str("header.name"));
        Assert.False((await server.TokenResponseAsync(clientId, secret, ("grant_type", "authorization_code"), ("code", code),
            ("redirect_uri", AliGenieKit.Callback))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_product_mapping_override_changes_what_AliGenie_sees_and_bad_ones_are_refused()
    {
        var project = await server.ProjectAsync();
        var pk = await server.CategoryProductAsync(project, "Lamp");
        var lamp = await server.NewTestDeviceAsync(pk);
        var ann = await server.EndUserAsync(project);
        await server.BindAsync(ann, lamp.IotId);
        var skill = (await server.Call("CreateAliGenieSkill", ("ProjectId", project), ("RedirectUri", AliGenieKit.Callback))).At("Data");
        var token = (await server.LinkAsync(skill.Str("ClientId"), skill.Str("ClientSecret"), ann)).AccessToken;

        var standard = (await server.Call("QueryAliGenieMapping", ("ProductKey", pk))).At("Data");
        Assert.Equal(("light", false), (standard.Str("Effective.DeviceType"), standard.TryGetProperty("Override", out _)));

        // The maker drops brightness, and says "on" with the colour temperature's warmest value (a contrived but visible change).
        var mapping = """{"deviceType":"switch","attributes":{"brightness":null,"powerstate":{"property":"WorkMode","values":{"on":1,"off":0}}}}""";
        var set = (await server.Call("SetAliGenieMapping", ("ProductKey", pk), ("Mapping", mapping))).At("Data");
        Assert.Equal("switch", set.Str("Effective.DeviceType"));
        var device = Assert.Single((await server.DiscoverAsync(token)).At("payload.devices").EnumerateArray());
        Assert.Equal("switch", device.Str("deviceType"));
        Assert.DoesNotContain("SetBrightness", device.At("actions").EnumerateArray().Select(a => a.GetString()));

        await using var mqtt = await server.ConnectOnlineAsync(lamp, "thing/service/property/set");
        Assert.Equal("DEVICE_NOT_SUPPORT_FUNCTION", AliGenieKit.ErrorOf(await server.DirectiveAsync("Control", "SetBrightness", token, lamp.IotId, 50)));
        Assert.Equal("TurnOnResponse", (await server.DirectiveAsync("Control", "TurnOn", token, lamp.IotId)).Str("header.name"));
        Assert.Equal("""{"WorkMode":1}""", (await mqtt.NextRequestAsync(mqtt.Sys("thing/service/property/set"))).At("params").GetRawText());

        // Refusals name what is wrong; the stored mapping stays as it was.
        foreach (var (bad, says) in new[]
        {
            ("""{"deviceType":"toaster"}""", "deviceType"),
            ("""{"attributes":{"brightness":{"property":"Nope"}}}""", "Nope"),
            ("""{"attributes":{"brightness":{"property":"LightDuration"}}}""", "read-only"),
            ("""{"attributes":{"powerstate":{"property":"LightSwitch","values":{"on":7}}}}""", "powerstate"),
            ("""{"attributes":{"loudness":{"property":"Brightness"}}}""", "unknown attribute"),
            ("not json", "not JSON"),
        })
        {
            var refused = await server.Fails("SetAliGenieMapping", ("ProductKey", pk), ("Mapping", bad));
            Assert.Equal("iot.aligenie.InvalidMapping", refused.Code);
            Assert.Contains(says, refused.Message);
        }
        Assert.Equal(mapping, (await server.Call("QueryAliGenieMapping", ("ProductKey", pk))).Str("Data.Override"));

        // An empty mapping goes back to the standard one.
        await server.Call("SetAliGenieMapping", ("ProductKey", pk), ("Mapping", "{}"));
        Assert.Equal("light", Assert.Single((await server.DiscoverAsync(token)).At("payload.devices").EnumerateArray()).Str("deviceType"));
    }
}
