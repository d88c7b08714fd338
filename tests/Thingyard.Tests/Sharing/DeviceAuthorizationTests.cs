// Device authorization between accounts over real HTTP and MQTT, with three accounts: the owner (the admin account)
// authorizes one device of a released product to a grantee; the grantee sees that device (never its secret) and its
// product, reads it, sets a property the device receives and invokes a service it receives, and is refused every
// owner's operation; a third account sees nothing; revocation holds at the grantee's next request; a product's
// authorization is revoked only after its devices'; authorization and distribution refuse each other.
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Access;
using Thingyard.Server.Rpc;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Sharing;

public sealed class DeviceAuthorizationTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string OwnerOnly = "iot.authorization.OwnerOnlyOperation";

    [Fact]
    public async Task A_grantee_reads_and_commands_an_authorized_device_never_owns_it_and_loses_it_when_revoked()
    {
        var granteeName = Unique("grantee");
        var grantee = await server.NewAccountAsync(granteeName);
        var third = await server.NewAccountAsync(Unique("third"));
        var pk = await server.ReleasedLampAsync();
        var shared = await server.NewDeviceAsync(pk);
        var kept = await server.NewDeviceAsync(pk);
        var (sharedName, keptName) = (shared.Str("DeviceName"), kept.Str("DeviceName"));
        (string, string) Pk() => ("ProductKey", pk);
        (string, string) Name(string n) => ("DeviceName", n);

        // Before: the grantee sees nothing of it.
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(grantee, "QueryProduct", Pk())).Code);

        // Authorized by account name; the owner's lists show it.
        var granted = (await server.Call("AuthorizeDevices", Pk(), ("DeviceName.1", sharedName), ("TargetAccountName", granteeName))).At("Data.List.AuthorizationInfo");
        Assert.Equal(grantee.AccountUid, Assert.Single(granted.EnumerateArray()).Str("TargetUid"));
        var devices = (await server.Call("QueryDeviceAuthorizationList", Pk())).At("Data.List.AuthorizationInfo");
        Assert.Equal(sharedName, Assert.Single(devices.EnumerateArray()).Str("DeviceName"));
        var products = (await server.Call("QueryProductAuthorizationList", ("TargetUid", grantee.AccountUid))).At("Data.List.AuthorizationInfo");
        Assert.Equal(1, Assert.Single(products.EnumerateArray()).At("DeviceCount").GetInt32());

        // The grantee: the product on its authorized tab with its source, the device (no secret), the model.
        var authorized = Assert.Single((await server.CallAs(grantee, "QueryAuthorizedProductList")).At("Data.List.ProductInfo").EnumerateArray());
        Assert.Equal(pk, authorized.Str("ProductKey"));
        Assert.NotEqual(grantee.AccountUid, authorized.Str("SourceUid"));
        var product = (await server.CallAs(grantee, "QueryProduct", Pk())).At("Data");
        Assert.Equal("", product.Str("ProductSecret"));
        Assert.False(product.At("Owner").GetBoolean());
        var detail = (await server.CallAs(grantee, "QueryDeviceDetail", Pk(), Name(sharedName))).At("Data");
        Assert.Equal("", detail.Str("DeviceSecret"));
        Assert.Equal(shared.Str("IotId"), detail.Str("IotId"));
        Assert.Equal("", (await server.CallAs(grantee, "QueryDeviceInfo", Pk(), Name(sharedName))).Str("Data.DeviceSecret"));
        var listed = (await server.CallAs(grantee, "QueryDevice", Pk())).At("Data.DeviceInfo");
        Assert.Equal([sharedName], listed.Pluck("DeviceName"));
        Assert.All(listed.EnumerateArray(), d => Assert.Equal("", d.Str("DeviceSecret")));
        Assert.Contains("Level", (await server.CallAs(grantee, "GetThingModelTsl", Pk())).Str("Data.TslStr"));
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(grantee, "QueryDeviceDetail", Pk(), Name(keptName))).Code);
        using (var rest = server.Rest(grantee.AccessKeyId, grantee.AccessKeySecret))
        {
            var json = JsonDocument.Parse(await rest.GetStringAsync($"/api/v1/products/{pk}/devices/{sharedName}")).RootElement;
            Assert.Equal("", json.Str("deviceSecret"));
        }
        // The owner still sees the secrets.
        Assert.Equal(shared.Str("DeviceSecret"), (await server.Call("QueryDeviceDetail", Pk(), Name(sharedName))).Str("Data.DeviceSecret"));

        // The grantee sets a property and invokes a service; the device receives both.
        await using (var device = await MqttDevice.ConnectAsync(server, pk, sharedName, shared.Str("DeviceSecret")))
        {
            await device.SubscribeAsync(device.Sys("thing/service/#"));
            await server.CallAs(grantee, "SetDeviceProperty", Pk(), Name(sharedName), ("Items", """{"Level":3}"""));
            var set = await device.NextAsync(m => m.Topic == device.Sys("thing/service/property/set"));
            Assert.Equal(3, set.Json.At("params.Level").GetInt32());
            await server.CallAs(grantee, "InvokeThingService", Pk(), Name(sharedName), ("Identifier", "Blink"), ("Args", """{"Times":2}"""));
            var call = await device.NextAsync(m => m.Topic == device.Sys("thing/service/Blink"));
            Assert.Equal(2, call.Json.At("params.Times").GetInt32());
        }

        // Never the owner's operations, each refused as such.
        foreach (var (action, args) in new (string, (string, string)[])[]
        {
            ("DeleteDevice", [Pk(), Name(sharedName)]),
            ("DisableThing", [Pk(), Name(sharedName)]),
            ("EnableThing", [Pk(), Name(sharedName)]),
            ("SaveDeviceProp", [Pk(), Name(sharedName), ("Props", """{"owner":"mine"}""")]),
            ("UpdateDeviceShadow", [Pk(), Name(sharedName), ("ShadowMessage", """{"method":"update","state":{"desired":{"Level":1}},"version":1}""")]),
            ("RegisterDevice", [Pk(), ("DeviceName", "planted")]),
            ("AuthorizeDevices", [Pk(), ("DeviceName.1", sharedName), ("TargetUid", third.AccountUid)]),
            ("CreateDeviceDistributeJob", [Pk(), ("DeviceName.1", sharedName), ("TargetInstanceId", "iotx-elsewhere"), ("Strategy", "0")]),
            ("UpdateProduct", [Pk(), ("Description", "mine")]),
            ("DeleteProduct", [Pk()]),
        })
        {
            var refused = await server.FailsAs(grantee, action, args);
            Assert.True(refused.Code == OwnerOnly, $"{action}: {refused.Code} {refused.Message}");
        }
        Assert.NotEqual("DISABLE", (await server.Call("QueryDeviceDetail", Pk(), Name(sharedName))).Str("Data.Status")); // still there, enabled
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceDetail", Pk(), Name("planted"))).Code);

        // A third account sees nothing of it.
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(third, "QueryProduct", Pk())).Code);
        Assert.Empty((await server.CallAs(third, "QueryAuthorizedProductList")).At("Data.List.ProductInfo").EnumerateArray());

        // Authorization and distribution do not meet on one product.
        var conflict = await server.Fails("CreateDeviceDistributeJob", Pk(), ("DeviceName.1", keptName), ("TargetInstanceId", "iotx-elsewhere"), ("Strategy", "0"));
        Assert.Equal("iot.authorization.ConflictWithDistribution", conflict.Code);

        // Revoking: the product's authorization waits for its devices'; each takes effect at the next request.
        var early = await server.Fails("RevokeProductAuthorization", Pk(), ("TargetUid", grantee.AccountUid));
        Assert.Equal("iot.authorization.DevicesStillAuthorized", early.Code);
        Assert.Contains("revoke their authorizations first", early.Message);
        await server.Call("RevokeDeviceAuthorization", Pk(), Name(sharedName), ("TargetUid", grantee.AccountUid));
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(grantee, "QueryDeviceDetail", Pk(), Name(sharedName))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.FailsAs(grantee, "SetDeviceProperty", Pk(), Name(sharedName), ("Items", """{"Level":1}"""))).Code);
        Assert.Equal(pk, (await server.CallAs(grantee, "QueryProduct", Pk())).Str("Data.ProductKey")); // the product stays until revoked
        await server.Call("RevokeProductAuthorization", Pk(), ("TargetUid", grantee.AccountUid));
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(grantee, "QueryProduct", Pk())).Code);
        Assert.Empty((await server.CallAs(grantee, "QueryAuthorizedProductList")).At("Data.List.ProductInfo").EnumerateArray());
        Assert.Equal("iot.authorization.NotExistedAuthorization",
            (await server.Fails("RevokeProductAuthorization", Pk(), ("TargetUid", grantee.AccountUid))).Code);
        // With no authorization left the product may be distributed again (the refusal is gone; the target is unknown here).
        Assert.NotEqual("iot.authorization.ConflictWithDistribution",
            (await server.Fails("CreateDeviceDistributeJob", Pk(), ("DeviceName.1", keptName), ("TargetInstanceId", "iotx-elsewhere"), ("Strategy", "0"))).Code);
    }

    [Fact]
    public async Task Bad_authorizations_are_refused_and_change_nothing()
    {
        var grantee = await server.NewAccountAsync(Unique("grantee"));
        var draft = await server.NewProductAsync("Draft");
        var draftDevice = (await server.NewDeviceAsync(draft)).Str("DeviceName");
        var notReleased = await server.Fails("AuthorizeDevices", ("ProductKey", draft), ("DeviceName.1", draftDevice), ("TargetUid", grantee.AccountUid));
        Assert.Equal("iot.production.ProductNotReleased", notReleased.Code);

        var pk = await server.ReleasedLampAsync();
        var name = (await server.NewDeviceAsync(pk)).Str("DeviceName");
        Assert.Equal("iot.account.NotExistedAccount",
            (await server.Fails("AuthorizeDevices", ("ProductKey", pk), ("DeviceName.1", name), ("TargetAccountName", Unique("nobody")))).Code);
        Assert.Equal("iot.device.NotExistedDevice",
            (await server.Fails("AuthorizeDevices", ("ProductKey", pk), ("DeviceName.1", name), ("DeviceName.2", "no_such"), ("TargetUid", grantee.AccountUid))).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter",
            (await server.Fails("AuthorizeDevices", ("ProductKey", pk), ("DeviceName.1", name))).Code); // no target
        Assert.Empty((await server.Call("QueryDeviceAuthorizationList", ("ProductKey", pk))).At("Data.List.AuthorizationInfo").EnumerateArray());
        Assert.Equal("iot.authorization.NotExistedAuthorization",
            (await server.Fails("RevokeDeviceAuthorization", ("ProductKey", pk), ("DeviceName", name), ("TargetUid", grantee.AccountUid))).Code);
        Assert.Empty((await server.CallAs(grantee, "QueryAuthorizedProductList")).At("Data.List.ProductInfo").EnumerateArray());
    }

    [Fact]
    public async Task An_open_live_watch_of_an_authorized_device_ends_when_the_authorization_is_revoked()
    {
        var grantee = await server.NewAccountAsync(Unique("watcher"));
        var pk = await server.ReleasedLampAsync();
        var device = await server.NewDeviceAsync(pk);
        var name = device.Str("DeviceName");
        await server.Call("AuthorizeDevices", ("ProductKey", pk), ("DeviceName.1", name), ("TargetUid", grantee.AccountUid));

        using var rest = server.Rest(grantee.AccessKeyId, grantee.AccessKeySecret);
        using var response = await rest.GetAsync($"/api/v1/products/{pk}/devices/{name}/messages", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        // The device posts: the grantee sees it live.
        await using (var d = await MqttDevice.ConnectAsync(server, pk, name, device.Str("DeviceSecret")))
            await d.RequestAsync(d.Sys("thing/event/property/post"), "thing.event.property.post", """{"Level":7}""", qos: 1);
        var seen = "";
        using (var first = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            while (!seen.Contains("Level", StringComparison.Ordinal)) // the payload is JSON text inside the event's JSON
                seen += System.Text.Encoding.UTF8.GetString(buffer, 0, await stream.ReadAsync(buffer, first.Token));

        await server.Call("RevokeDeviceAuthorization", ("ProductKey", pk), ("DeviceName", name), ("TargetUid", grantee.AccountUid));
        // The stream ends (a read returns nothing) within a second or two, rather than at the next keep-alive or never.
        using var ended = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        int read;
        do read = await stream.ReadAsync(buffer, ended.Token);
        while (read > 0);
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task A_distributed_device_or_product_is_refused_authorization_the_public_pool_and_transfer()
    {
        var target = await server.NewAccountAsync(Unique("t"));
        var pk = await server.ReleasedLampAsync();
        var moved = (await server.NewDeviceAsync(pk)).Str("DeviceName");
        var staying = (await server.NewDeviceAsync(pk)).Str("DeviceName");
        (string, string)[] To(string device) => [("ProductKey", pk), ("DeviceName.1", device), ("TargetUid", target.AccountUid)];
        // One device distributed to another instance, recorded as the distribution worker records it.
        await using (var db = await server.DbAsync())
        {
            var id = db.Devices.Single(d => d.ProductKey == pk && d.DeviceName == moved).Id;
            db.DeviceDistributions.Add(new Thingyard.Distribution.DeviceDistribution
            {
                DeviceId = id, JobId = "dj_test", TargetInstanceIds = "iotx-elsewhere", TargetUid = "1", CreatedAtMs = 1, ModifiedAtMs = 1,
            });
            await db.SaveChangesAsync();
        }
        Assert.Equal("iot.authorization.ConflictWithDistribution", (await server.Fails("AuthorizeDevices", To(moved))).Code);
        Assert.Equal("iot.authorization.ConflictWithDistribution", (await server.Fails("CreateDeviceTransfer", To(moved))).Code);
        await server.Call("AuthorizeDevices", To(staying)); // the other device is not distributed
        await server.Call("RevokeDeviceAuthorization", ("ProductKey", pk), ("DeviceName", staying), ("TargetUid", target.AccountUid));
        await server.Call("RevokeProductAuthorization", ("ProductKey", pk), ("TargetUid", target.AccountUid));

        // The product itself distributed: nothing of it can be authorized, published or transferred.
        await using (var db = await server.DbAsync())
        {
            db.ProductDistributions.Add(new Thingyard.Distribution.ProductDistribution
            {
                ProductId = db.Products.Single(p => p.ProductKey == pk).Id, TargetInstanceId = "iotx-elsewhere", TargetUid = "1", JobId = "dj_test", CreatedAtMs = 1,
            });
            await db.SaveChangesAsync();
        }
        var refused = await server.Fails("AuthorizeDevices", To(staying));
        Assert.Equal("iot.authorization.ConflictWithDistribution", refused.Code);
        Assert.Contains("has been distributed", refused.Message);
        Assert.Equal("iot.authorization.ConflictWithDistribution", (await server.Fails("AuthorizeProductToPublicPool", ("ProductKey", pk), ("AgreementAccepted", "true"))).Code);
        Assert.Equal("iot.authorization.ConflictWithDistribution", (await server.Fails("CreateDeviceTransfer", To(staying))).Code);
        Assert.Empty((await server.CallAs(target, "QueryAuthorizedProductList")).At("Data.List.ProductInfo").EnumerateArray());
    }

    static string Root([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    /// <summary>docs/sharing.md's "Who may do what" table against the access layer: every action named is one the server
    /// has; the grantee column says yes exactly where GranteeActions admits the action; the public-pool viewer only reads.</summary>
    [Fact]
    public void The_sharing_table_matches_the_access_layer()
    {
        var doc = File.ReadAllText(Path.Combine(Root(), "docs", "sharing.md"));
        var table = doc[doc.IndexOf("## Who may do what", StringComparison.Ordinal)..].Split('\n')
            .Where(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains('`')).Select(l => l.Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.True(table.Count >= 20, $"the table has {table.Count} rows");
        var actions = server.Services.GetRequiredService<RpcActions>().Names.ToHashSet();
        foreach (var row in table)
        {
            var (action, owner, grantee, viewer) = (row[2].Trim('`'), row[3], row[4], row[5]);
            Assert.True(actions.Contains(action), $"{action} is not an action of the server");
            Assert.Equal("yes", owner);
            Assert.True((grantee == "yes") == GranteeActions.Admits(action), $"{action}: the table says '{grantee}' for the grantee; the access layer {(GranteeActions.Admits(action) ? "admits" : "refuses")} it");
            if (viewer == "yes") Assert.Equal(Need.Read, Permissions.NeedOf(action));
        }
    }
}
