// Binding devices to end users over real HTTP and MQTT: a device reports its bind token the way the C Link SDK does
// (thing.awss.enrollee.match) and its owner binds it with the token; a printed code binds another; one owner per
// device; control reaches the device; family sharing by invitation (accept, decline, remove: the removed member is
// refused at once); unbind; the device's factory reset (thing.reset) unbinds everyone; the events reach a
// subscription. And the bad input: a used, wrong or expired token, a wrong code, another project's device, an
// unreleased product, a second owner, a member managing the family, someone else's device.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Subscriptions;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.EndUsers;

public sealed class DeviceBindingTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static async Task<string> Problem(HttpResponseMessage r, HttpStatusCode status)
    {
        Assert.Equal(status, r.StatusCode);
        return (await r.Content.ReadFromJsonAsync<JsonElement>()).Str("title");
    }

    [Fact]
    public async Task A_device_reported_token_binds_its_owner_once_and_control_reaches_the_device()
    {
        var lamp = await server.ReleasedLampAsync();
        var d = await server.NewDeviceAsync(lamp.ProductKey);
        var (dn, secret) = (d.Str("DeviceName"), d.Str("DeviceSecret"));
        await using var device = await MqttDevice.ConnectAsync(server, lamp.ProductKey, dn, secret);
        await device.SubscribeAsync(device.Sys("thing/service/property/set"));
        const string token = "4786F0F6E1CC7BF86017FD4D1429EE4F";
        // The C Link SDK's report, byte for byte: id "0" as a string, params holding only the token.
        var reply = await device.RequestAsync(device.Sys("thing/awss/enrollee/match"), "thing.awss.enrollee.match", $$"""{"token":"{{token}}"}""", id: "0");
        Assert.Equal(200, reply.GetProperty("code").GetInt32());

        using var ann = await server.SignUpAsync(lamp.ProjectId);
        using var bob = await server.SignUpAsync(lamp.ProjectId);
        // A wrong token, and the right token with the wrong device name, bind nothing.
        Assert.Equal("iot.enduser.InvalidBindToken", await Problem(await ann.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, deviceName = dn, token = "00000000000000000000000000000000" }), HttpStatusCode.BadRequest));
        Assert.Equal("iot.enduser.InvalidBindToken", await Problem(await ann.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, deviceName = "nobody", token }), HttpStatusCode.BadRequest));

        // The token is case-insensitive hex as the SDK prints it; it binds once.
        var bound = await JsonOf(await ann.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, deviceName = dn, token = token.ToLowerInvariant() }), HttpStatusCode.OK);
        Assert.Equal(("owner", "ONLINE", d.Str("IotId")), (bound.Str("role"), bound.Str("status"), bound.Str("iotId")));
        Assert.Equal("iot.enduser.InvalidBindToken", await Problem(await bob.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, deviceName = dn, token }), HttpStatusCode.BadRequest));
        // A second owner is refused even with a valid proof: the printed code.
        var code = await server.BindCodeAsync(lamp.ProductKey, dn);
        Assert.Equal("iot.enduser.AlreadyExistedBinding", await Problem(await bob.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, code }), HttpStatusCode.Conflict));
        // The owner binding again is a no-op.
        await ann.BindByCodeAsync(lamp.ProductKey, code);

        var iotId = d.Str("IotId");
        await JsonOf(await ann.Http.PutAsJsonAsync($"/app/v1/devices/{iotId}/properties", new { items = new Dictionary<string, int> { ["LightSwitch"] = 1, ["Brightness"] = 40 } }), HttpStatusCode.OK);
        var set = await device.NextAsync(r => r.Topic.EndsWith("/thing/service/property/set"));
        Assert.Equal((1, 40), (set.Json.GetProperty("params").GetProperty("LightSwitch").GetInt32(), set.Json.GetProperty("params").GetProperty("Brightness").GetInt32()));
        // Values outside the thing model never leave the server.
        Assert.Equal("iot.tsl.InvalidFormattedValue", await Problem(await ann.Http.PutAsJsonAsync($"/app/v1/devices/{iotId}/properties", new { items = new Dictionary<string, int> { ["Brightness"] = 400 } }), HttpStatusCode.BadRequest));
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/thing/service/property/set"), 300));
        // Someone else's device reads as not theirs, for every call.
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.GetAsync($"/app/v1/devices/{iotId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Http.PutAsJsonAsync($"/app/v1/devices/{iotId}/properties", new { items = new Dictionary<string, int> { ["LightSwitch"] = 0 } })).StatusCode);

        // The device reports a value; the owner reads it with the panel that shows it.
        await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"Temp":21.5}""", qos: 1);
        var detail = await JsonOf(await ann.Http.GetAsync($"/app/v1/devices/{iotId}"), HttpStatusCode.OK);
        Assert.Contains(detail.GetProperty("properties").EnumerateArray(), p => p.Str("identifier") == "Temp" && p.Str("value") == "21.5");
        var panel = await JsonOf(await ann.Http.GetAsync($"/app/v1/devices/{iotId}/panel"), HttpStatusCode.OK);
        Assert.Equal("switch", panel.Str("panel.pages.0.sections.0.widgets.0.type"));
        Assert.Equal("LightSwitch", panel.Str("thingModel.properties.0.identifier"));
        var history = await JsonOf(await ann.Http.GetAsync($"/app/v1/devices/{iotId}/history?identifier=Temp"), HttpStatusCode.OK);
        Assert.Equal("21.5", history.Str("0.value"));
    }

    [Fact]
    public async Task The_owner_shares_with_family_and_a_removed_member_is_refused_at_once()
    {
        var lamp = await server.ReleasedLampAsync();
        var d = await server.NewDeviceAsync(lamp.ProductKey);
        var (dn, iotId) = (d.Str("DeviceName"), d.Str("IotId"));
        await using var device = await MqttDevice.ConnectAsync(server, lamp.ProductKey, dn, d.Str("DeviceSecret"));
        await device.SubscribeAsync(device.Sys("thing/service/property/set"));
        var group = (await server.Call("CreateConsumerGroup", ("GroupName", Unique("bind")))).Str("GroupId");
        await server.Call("CreateSubscribeRelation", ("ProductKey", lamp.ProductKey), ("Type", "AMQP"), ("EndUserBindFlag", "true"), ("ConsumerGroupIds.1", group));
        var relation = await server.Call("QuerySubscribeRelation", ("ProductKey", lamp.ProductKey), ("Type", "AMQP"));
        Assert.True(relation.GetProperty("EndUserBindFlag").GetBoolean());

        using var owner = await server.SignUpAsync(lamp.ProjectId);
        using var kid = await server.SignUpAsync(lamp.ProjectId);
        using var guest = await server.SignUpAsync(lamp.ProjectId);
        await owner.BindByCodeAsync(lamp.ProductKey, await server.BindCodeAsync(lamp.ProductKey, dn));
        await JsonOf(await owner.Http.PatchAsJsonAsync($"/app/v1/devices/{iotId}", new { room = "Kitchen" }), HttpStatusCode.OK);

        // Invitations: to a login of the project; the invitee sees it but cannot use the device until accepting.
        Assert.Equal("iot.enduser.NotExistedUser", await Problem(await owner.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/members", new { login = "stranger@example.test" }), HttpStatusCode.NotFound));
        await JsonOf(await owner.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/members", new { login = kid.Login }), HttpStatusCode.OK);
        await JsonOf(await owner.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/members", new { login = guest.Login }), HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.Conflict, (await owner.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/members", new { login = kid.Login })).StatusCode);
        var kids = await JsonOf(await kid.Http.GetAsync("/app/v1/devices"), HttpStatusCode.OK);
        Assert.Equal((0, iotId), (kids.GetProperty("devices").GetArrayLength(), kids.Str("invitations.0.iotId")));
        Assert.Equal(HttpStatusCode.NotFound, (await kid.Http.PutAsJsonAsync($"/app/v1/devices/{iotId}/properties", new { items = new Dictionary<string, int> { ["LightSwitch"] = 1 } })).StatusCode);
        await EndUserCalls.Expect(await guest.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/invitation", new { accept = false }), HttpStatusCode.NoContent);
        await EndUserCalls.Expect(await kid.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/invitation", new { accept = true }), HttpStatusCode.NoContent);

        // The member controls it; a member does not manage the family.
        await JsonOf(await kid.Http.PutAsJsonAsync($"/app/v1/devices/{iotId}/properties", new { items = new Dictionary<string, int> { ["LightSwitch"] = 1 } }), HttpStatusCode.OK);
        await device.NextAsync(r => r.Topic.EndsWith("/thing/service/property/set"));
        Assert.Equal("iot.enduser.OwnerPermissionDeny", await Problem(await kid.Http.PostAsJsonAsync($"/app/v1/devices/{iotId}/members", new { login = guest.Login }), HttpStatusCode.Forbidden));
        var members = await JsonOf(await owner.Http.GetAsync($"/app/v1/devices/{iotId}/members"), HttpStatusCode.OK);
        Assert.Equal(["owner", "member"], members.EnumerateArray().Select(m => m.Str("role")).ToArray()); // the guest declined
        // The maker sees the same for support.
        var bindings = await server.Call("QueryDeviceBindingList", ("ProductKey", lamp.ProductKey), ("DeviceName", dn));
        Assert.Equal([owner.UserId, kid.UserId], bindings.At("Data.List").EnumerateArray().Select(m => m.Str("UserId")).ToArray());

        // Removed: the member's very next call is refused, and nothing reaches the device.
        await EndUserCalls.Expect(await owner.Http.DeleteAsync($"/app/v1/devices/{iotId}/members/{kid.UserId}"), HttpStatusCode.NoContent);
        Assert.Equal(HttpStatusCode.NotFound, (await kid.Http.PutAsJsonAsync($"/app/v1/devices/{iotId}/properties", new { items = new Dictionary<string, int> { ["LightSwitch"] = 0 } })).StatusCode);
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("/thing/service/property/set"), 300));

        // Unbound by the owner: nobody has it, and someone else may bind it now.
        await EndUserCalls.Expect(await owner.Http.DeleteAsync($"/app/v1/devices/{iotId}"), HttpStatusCode.NoContent);
        Assert.Equal(0, (await JsonOf(await owner.Http.GetAsync("/app/v1/devices"), HttpStatusCode.OK)).GetProperty("devices").GetArrayLength());
        await guest.BindByCodeAsync(lamp.ProductKey, await server.BindCodeAsync(lamp.ProductKey, dn));

        // The device is reset to factory settings: its new owner loses it too.
        var reset = await device.RequestAsync(device.Sys("thing/reset"), "thing.reset", "{}");
        Assert.Equal(200, reset.GetProperty("code").GetInt32());
        Assert.Equal(0, (await JsonOf(await guest.Http.GetAsync("/app/v1/devices"), HttpStatusCode.OK)).GetProperty("devices").GetArrayLength());

        // bind, share, unshare, unbind, bind, reset: each reached the subscription, in order.
        await using var app = AmqpConsumers.Start(server, group, count: 6, clientId: "bindings");
        var actions = new List<(string Action, string User)>();
        for (var i = 0; i < 6; i++)
        {
            var m = await app.NextAsync("message");
            Assert.Equal($"/{lamp.ProductKey}/{dn}/thing/enduser/binding", m.GetProperty("topic").GetString());
            var body = JsonDocument.Parse(m.GetProperty("body").GetString()!).RootElement;
            Assert.Equal(iotId, body.Str("iotId"));
            actions.Add((body.Str("action"), body.Str("userId")));
        }
        Assert.Equal([("bind", owner.UserId), ("share", kid.UserId), ("unshare", kid.UserId), ("unbind", owner.UserId), ("bind", guest.UserId), ("reset", "")], actions);
    }

    [Fact]
    public async Task Bind_codes_bind_only_their_projects_released_devices()
    {
        var lamp = await server.ReleasedLampAsync();
        var other = await server.ReleasedLampAsync();
        var d = await server.NewDeviceAsync(lamp.ProductKey);
        var code = await server.BindCodeAsync(lamp.ProductKey, d.Str("DeviceName"));
        Assert.Matches("^[2-9A-HJKMNP-Z]{12}$", code);
        // Asked again, the code is the same: it is printed on the device.
        Assert.Equal(code, await server.BindCodeAsync(lamp.ProductKey, d.Str("DeviceName")));
        var qr = (await server.Call("QueryDeviceBindCodes", ("ProductKey", lamp.ProductKey))).Str("Data.List.0.QrText");
        Assert.EndsWith($"/app/{lamp.ProjectId}/#add?pk={lamp.ProductKey}&code={code}", qr);

        // An end user of another project cannot bind it, even with the right code.
        using var outsider = await server.SignUpAsync(other.ProjectId);
        Assert.Equal("iot.enduser.InvalidBindToken", (await outsider.BindByCodeAsync(lamp.ProductKey, code, HttpStatusCode.BadRequest)).Str("title"));
        using var user = await server.SignUpAsync(lamp.ProjectId);
        Assert.Equal("iot.enduser.InvalidBindToken", (await user.BindByCodeAsync(lamp.ProductKey, "ABCDEFGHJKMN", HttpStatusCode.BadRequest)).Str("title"));
        Assert.Equal("iot.enduser.InvalidBindToken", (await user.BindByCodeAsync(other.ProductKey, code, HttpStatusCode.BadRequest)).Str("title"));
        Assert.Equal(HttpStatusCode.BadRequest, (await user.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, code, token = "ABCDEFGH", deviceName = "x" })).StatusCode);

        // A product still in development: its devices are not for end users yet.
        var draftPk = (await server.Call("CreateProduct", ("ProductName", Unique("Draft")), ("NodeType", "0"), ("ProjectId", lamp.ProjectId))).Str("ProductKey");
        var draft = await server.NewDeviceAsync(draftPk);
        var draftCode = await server.BindCodeAsync(draftPk, draft.Str("DeviceName"));
        Assert.Equal("iot.production.ProductNotReleased", (await user.BindByCodeAsync(draftPk, draftCode, HttpStatusCode.BadRequest)).Str("title"));

        // Without a token there is no device API at all.
        using var anonymous = server.Http();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/app/v1/devices")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, code })).StatusCode);

        // Deleting the owner's account unbinds the device for everyone.
        await user.BindByCodeAsync(lamp.ProductKey, code);
        await EndUserCalls.Expect(await user.Http.DeleteAsync("/app/v1/me"), HttpStatusCode.NoContent);
        using var next = await server.SignUpAsync(lamp.ProjectId);
        await next.BindByCodeAsync(lamp.ProductKey, code);
    }

    [Fact]
    public async Task A_device_token_expires_and_a_malformed_report_is_refused()
    {
        var lamp = await server.ReleasedLampAsync();
        var d = await server.NewDeviceAsync(lamp.ProductKey);
        await using var device = await MqttDevice.ConnectAsync(server, lamp.ProductKey, d.Str("DeviceName"), d.Str("DeviceSecret"));
        var bad = await device.RequestAsync(device.Sys("thing/awss/enrollee/match"), "thing.awss.enrollee.match", """{"token":12}""");
        Assert.Equal(460, bad.GetProperty("code").GetInt32());
        var shortToken = await device.RequestAsync(device.Sys("thing/awss/enrollee/match"), "thing.awss.enrollee.match", """{"token":"ab"}""");
        Assert.Equal(460, shortToken.GetProperty("code").GetInt32());

        await device.RequestAsync(device.Sys("thing/awss/enrollee/match"), "thing.awss.enrollee.match", """{"token":"00112233445566778899AABBCCDDEEFF"}""");
        // Ten minutes later the token is dead: moved past its expiry in the store.
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Thingyard.Storage.ThingyardDb>();
            var deviceId = db.Devices.Single(x => x.IotId == d.Str("IotId")).Id;
            foreach (var t in db.DeviceBindTokens.Where(t => t.DeviceId == deviceId)) t.ExpiresAtMs = 1;
            await db.SaveChangesAsync();
        }
        using var user = await server.SignUpAsync(lamp.ProjectId);
        var r = await user.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = lamp.ProductKey, deviceName = d.Str("DeviceName"), token = "00112233445566778899AABBCCDDEEFF" });
        Assert.Equal("iot.enduser.InvalidBindToken", await Problem(r, HttpStatusCode.BadRequest));
    }
}
