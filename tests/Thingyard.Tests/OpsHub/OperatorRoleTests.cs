// The Operator role: the maker's operations staff see a project's Operations Hub and may send devices commands (set a
// property on a connected device, which the device receives over MQTT), and are refused every change to products,
// devices, the project's skin, users and keys; on a project authorized to their account they work in the lesser of
// their role and the role granted there. The console's user admin (REST and the page's enum) can assign the role.
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Server.Rpc;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.OpsHub;

public sealed class OperatorRoleTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Theory]
    [InlineData(Need.Read, true)]
    [InlineData(Need.Operate, true)]
    [InlineData(Need.Change, false)]
    [InlineData(Need.ManageAccess, false)]
    public void An_operator_reads_and_operates_but_changes_nothing(Need need, bool allowed) => Assert.Equal(allowed, Role.Operator.Allows(need));

    [Fact]
    public void Setting_properties_and_invoking_services_operate_devices_and_the_operator_ranks_between_developer_and_viewer()
    {
        foreach (var action in new[] { "SetDeviceProperty", "SetDevicesProperty", "InvokeThingService", "InvokeThingsService" })
            Assert.Equal(Need.Operate, Permissions.NeedOf(action));
        Assert.Equal(Need.Read, Permissions.NeedOf("QueryOpsHubFigures"));
        Assert.Equal(Need.Change, Permissions.NeedOf("SetProjectBranding"));
        Assert.False(Role.Viewer.Allows(Need.Operate));
        Assert.Equal(Role.Viewer, Permissions.Lesser(Role.Operator, Role.Viewer));
        Assert.Equal(Role.Operator, Permissions.Lesser(Role.Developer, Role.Operator));
        Assert.Equal(Role.Operator, Permissions.Lesser(Role.Operator, Role.Admin));
    }

    [Fact]
    public async Task An_operator_is_refused_every_changing_action_before_it_runs()
    {
        var actions = server.Services.GetRequiredService<RpcActions>();
        var changing = actions.Names.Where(a => Permissions.NeedOf(a) == Need.Change).ToList();
        Assert.Contains("UpdateProduct", changing);
        Assert.Contains("SetProjectBranding", changing);
        foreach (var action in changing)
        {
            var refused = await Assert.ThrowsAsync<IotException>(() => InvokeAsync(actions, 1, action, Role.Operator));
            Assert.Equal(Permissions.ForbiddenCode, refused.Code);
            Assert.Contains("operator role cannot change", refused.Message);
        }
    }

    [Fact]
    public async Task An_operator_sees_the_hub_and_sets_a_property_that_the_device_receives_but_cannot_edit_the_product_or_device()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;
        var projectId = (await server.Call("QueryProduct", ("ProductKey", d.ProductKey))).Str("Data.ProjectId");
        var accountId = await AccountIdOfAsync(d.ProductKey);
        var actions = server.Services.GetRequiredService<RpcActions>();

        var figures = await InvokeAsync(actions, accountId, "QueryOpsHubFigures", Role.Operator, ("ProjectId", projectId));
        Assert.Contains(d.DeviceName, System.Text.Json.JsonSerializer.Serialize(
            await InvokeAsync(actions, accountId, "QueryOpsHubDevices", Role.Operator, ("ProjectId", projectId), ("DeviceName", d.DeviceName))));
        Assert.NotNull(figures);
        await InvokeAsync(actions, accountId, "QueryDevicePropertyStatus", Role.Operator, ("IotId", d.IotId));

        await InvokeAsync(actions, accountId, "SetDeviceProperty", Role.Operator, ("IotId", d.IotId), ("Items", """{"mode":1}"""));
        var request = await device.NextRequestAsync(device.Sys("thing/service/property/set"));
        Assert.Equal(1, request.GetProperty("params").GetProperty("mode").GetInt32());

        // A viewer may not send the same command.
        var viewer = await Assert.ThrowsAsync<IotException>(() =>
            InvokeAsync(actions, accountId, "SetDeviceProperty", Role.Viewer, ("IotId", d.IotId), ("Items", """{"mode":0}""")));
        Assert.Equal(Permissions.ForbiddenCode, viewer.Code);
        Assert.False(await device.ReceivesAsync(r => r.Topic.EndsWith("property/set"), 300));

        foreach (var (action, args) in new (string, (string, string)[])[]
                 {
                     ("UpdateProduct", [("ProductKey", d.ProductKey), ("ProductName", "renamed")]),
                     ("DeleteDevice", [("IotId", d.IotId)]),
                     ("DisableThing", [("IotId", d.IotId)]),
                     ("RegisterDevice", [("ProductKey", d.ProductKey)]),
                     ("SetProjectBranding", [("ProjectId", projectId), ("HubName", "Mine now")]),
                 })
        {
            var refused = await Assert.ThrowsAsync<IotException>(() => InvokeAsync(actions, accountId, action, Role.Operator, args));
            Assert.Equal(Permissions.ForbiddenCode, refused.Code);
        }
        Assert.Equal("ONLINE", await server.StatusAsync(d));
        Assert.NotEqual("renamed", (await server.Call("QueryProduct", ("ProductKey", d.ProductKey))).Str("Data.ProductName"));
    }

    [Fact]
    public async Task On_a_project_authorized_to_its_account_an_operator_operates_only_where_the_grant_allows_changes()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/service/property/set");
        await using var connection = device;
        var projectId = (await server.Call("QueryProduct", ("ProductKey", d.ProductKey))).Str("Data.ProjectId");
        var other = await server.NewAccountAsync("ops-grantee");
        var otherId = await AccountIdOfUidAsync(other.AccountUid);
        var actions = server.Services.GetRequiredService<RpcActions>();
        var set = new[] { ("IotId", d.IotId), ("Items", """{"mode":1}""") };

        await server.Call("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", other.AccountUid), ("Role", "viewer"));
        await InvokeAsync(actions, otherId, "QueryOpsHubFigures", Role.Operator, ("ProjectId", projectId));
        var refused = await Assert.ThrowsAsync<IotException>(() => InvokeAsync(actions, otherId, "SetDeviceProperty", Role.Operator, set));
        Assert.Equal(Permissions.ForbiddenCode, refused.Code);

        await server.Call("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", other.AccountUid), ("Role", "developer"));
        await InvokeAsync(actions, otherId, "SetDeviceProperty", Role.Operator, set);
        Assert.Equal(1, (await device.NextRequestAsync(device.Sys("thing/service/property/set"))).GetProperty("params").GetProperty("mode").GetInt32());
        await server.Call("RevokeProjectAuthorization", ("ProjectId", projectId), ("AccountUid", other.AccountUid));
    }

    [Fact]
    public async Task User_admin_assigns_the_operator_role()
    {
        using var rest = server.Rest();
        var name = RegistryCalls.Unique("ops");
        var created = await rest.PostAsJsonAsync("/api/v1/accounts/me/users", new { userName = name, password = "operator-password-1", role = "operator" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("operator", (await Json.JsonOf(created, HttpStatusCode.Created)).Str("role"));
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        Assert.Equal(Role.Operator, (await db.Users.SingleAsync(u => u.UserName == name)).Role);
    }

    async Task<long> AccountIdOfAsync(string productKey)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        return (await db.Products.SingleAsync(p => p.ProductKey == productKey)).AccountId;
    }

    async Task<long> AccountIdOfUidAsync(string uid)
    {
        await using var db = await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();
        return (await db.Accounts.SingleAsync(a => a.Uid == uid)).Id;
    }

    async Task<object> InvokeAsync(RpcActions actions, long accountId, string action, Role role, params (string, string)[] parameters)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var request = new RpcRequest(action, null, parameters.ToDictionary(p => p.Item1, p => p.Item2), "console:operator", accountId, "", "TEST", false);
        return await actions.InvokeAsync(new RpcCall(request, scope.ServiceProvider, CancellationToken.None, Caller.User(accountId, 1, role)));
    }
}
