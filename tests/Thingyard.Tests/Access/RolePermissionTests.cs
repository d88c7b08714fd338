// Roles are enforced where actions run (RpcActions.InvokeAsync), for the OpenAPI and for the console alike: a viewer
// is refused every action that changes something before its handler runs, a developer is not, and reads stay open.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Server.Rpc;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Access;

public sealed class RolePermissionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Theory]
    [InlineData(Role.Owner, Need.Change, true)]
    [InlineData(Role.Owner, Need.ManageAccess, true)]
    [InlineData(Role.Admin, Need.ManageAccess, true)]
    [InlineData(Role.Developer, Need.Change, true)]
    [InlineData(Role.Developer, Need.ManageAccess, false)]
    [InlineData(Role.Viewer, Need.Read, true)]
    [InlineData(Role.Viewer, Need.Change, false)]
    [InlineData(Role.Viewer, Need.ManageAccess, false)]
    [InlineData(Role.Viewer, Need.Operate, false)]
    [InlineData(Role.Developer, Need.Operate, true)]
    public void Each_role_allows_what_the_console_documents(Role role, Need need, bool allowed) =>
        Assert.Equal(allowed, role.Allows(need));

    [Theory]
    [InlineData("QueryDeviceDetail", Need.Read)]
    [InlineData("GetThingModelTsl", Need.Read)]
    [InlineData("ListThingModelVersion", Need.Read)]
    [InlineData("BatchQueryDeviceDetail", Need.Read)]
    [InlineData("BatchGetDeviceState", Need.Read)]
    [InlineData("BatchCheckDeviceNames", Need.Change)]
    [InlineData("SetDeviceProperty", Need.Operate)]
    [InlineData("InvokeThingService", Need.Operate)]
    [InlineData("PublishThingModel", Need.Change)]
    [InlineData("Pub", Need.Change)]
    [InlineData("QueryConsumerGroupList", Need.Read)]
    [InlineData("QuerySubscribeRelation", Need.Read)]
    [InlineData("ResetConsumerGroupPosition", Need.Change)]
    [InlineData("CreateConsumerGroupSubscribeRelation", Need.Change)]
    [InlineData("GetThingScript", Need.Read)]
    [InlineData("TestThingScript", Need.Change)] // runs code on the server: a developer's tool, not a viewer's
    [InlineData("SaveScript", Need.Change)]
    [InlineData("CreateThingScript", Need.Change)]
    [InlineData("UpdateThingScript", Need.Change)]
    [InlineData("QueryAlarmList", Need.Read)]
    [InlineData("QueryAlarmHistory", Need.Read)]
    [InlineData("ListAlarmRules", Need.Read)]
    [InlineData("GetAlarmRule", Need.Read)]
    [InlineData("AcknowledgeAlarm", Need.Change)]
    [InlineData("ClearAlarm", Need.Change)]
    [InlineData("DisableAlarmRule", Need.Change)]
    [InlineData("QueryProductTopic", Need.Read)]
    [InlineData("CreateProductTopic", Need.Change)]
    [InlineData("UpdateProductTopic", Need.Change)]
    [InlineData("DeleteProductTopic", Need.Change)]
    public void An_action_needs_what_its_name_says(string action, Need need) => Assert.Equal(need, Permissions.NeedOf(action));

    [Fact]
    public async Task A_viewer_is_refused_every_changing_action_before_it_runs_and_a_developer_is_not()
    {
        var actions = server.Services.GetRequiredService<RpcActions>();
        var changing = actions.Names.Where(a => Permissions.NeedOf(a) == Need.Change).ToList();
        Assert.Contains("RegisterDevice", changing);
        Assert.True(changing.Count > 30, $"only {changing.Count} changing actions found");
        foreach (var action in changing)
        {
            var viewer = await Assert.ThrowsAsync<IotException>(() => InvokeAsync(actions, action, Role.Viewer));
            Assert.Equal(Permissions.ForbiddenCode, viewer.Code);
            Assert.Contains("viewer role cannot change", viewer.Message);
            // A developer gets past the role check: whatever the handler then says about the empty request, it is not RAM.
            var developer = await Record.ExceptionAsync(() => InvokeAsync(actions, action, Role.Developer));
            Assert.False(developer is IotException { Code: Permissions.ForbiddenCode }, $"{action} refused a developer");
        }
    }

    [Fact]
    public async Task A_viewer_reads_through_the_same_actions()
    {
        var actions = server.Services.GetRequiredService<RpcActions>();
        var result = await InvokeAsync(actions, "QueryProductList", Role.Viewer, ("CurrentPage", "1"), ("PageSize", "10"));
        Assert.NotNull(result);
    }

    async Task<object> InvokeAsync(RpcActions actions, string action, Role role, params (string, string)[] parameters)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var accountId = 1L;
        var request = new RpcRequest(action, null, parameters.ToDictionary(p => p.Item1, p => p.Item2), "console:test", accountId, "", "TEST", false);
        return await actions.InvokeAsync(new RpcCall(request, scope.ServiceProvider, CancellationToken.None, Caller.User(accountId, 1, role)));
    }
}
