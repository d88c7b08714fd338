// Authorizing a project to another account: the grantee sees the project (on its "authorized" tab), its products and
// their devices, and works on them within the granted role; a viewer grant changes nothing; revoking takes everything
// away at the next request; only the owner can change or authorize the project.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Projects;

public sealed class ProjectGrantTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string Feature = """{"properties":[{"identifier":"Level","name":"Level","accessMode":"rw","required":false,"dataType":{"type":"int","specs":{"min":"0","max":"9","step":"1"}}}]}""";

    [Fact]
    public async Task A_grantee_works_on_the_projects_products_within_its_role_until_revoked()
    {
        var b = await server.NewAccountAsync(Unique("partner"));
        var projectId = (await server.Call("CreateProject", ("ProjectName", Unique("Shared")))).Str("Data.ProjectId");
        var pk = (await server.Call("CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("ProjectId", projectId))).Str("ProductKey");
        var device = await server.NewDeviceAsync(pk);
        var privatePk = await server.NewProductAsync(); // in A's default project, never granted

        // Before the grant B sees nothing.
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(b, "QueryProduct", ("ProductKey", pk))).Code);

        var granted = (await server.Call("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", b.AccountUid), ("Role", "developer"))).At("Data");
        Assert.Equal("developer", granted.Str("Role"));

        var authorized = (await server.CallAs(b, "QueryProjectList", ("Type", "AUTHORIZED"))).At("Data.List.ProjectInfo");
        var seen = Assert.Single(authorized.EnumerateArray());
        Assert.Equal(projectId, seen.Str("ProjectId"));
        Assert.True(seen.At("Authorized").GetBoolean());
        Assert.Equal("developer", seen.Str("Role"));
        Assert.DoesNotContain((await server.CallAs(b, "QueryProjectList", ("Type", "SELF"))).At("Data.List.ProjectInfo").EnumerateArray(),
            p => p.Str("ProjectId") == projectId);

        // As a developer B reads and changes the product, its devices and model, and adds a product to the project.
        Assert.Equal(pk, (await server.CallAs(b, "QueryProduct", ("ProductKey", pk))).Str("Data.ProductKey"));
        Assert.Equal(device.Str("DeviceSecret"), (await server.CallAs(b, "QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", device.Str("DeviceName")))).Str("Data.DeviceSecret"));
        await server.CallAs(b, "CreateThingModel", ("ProductKey", pk), ("ThingModelJson", Feature));
        await server.CallAs(b, "RegisterDevice", ("ProductKey", pk), ("DeviceName", "from_partner"));
        var byB = (await server.CallAs(b, "CreateProduct", ("ProductName", Unique("Plug")), ("NodeType", "0"), ("ProjectId", projectId))).Str("ProductKey");
        var ownersList = (await server.Call("QueryProductList", ("ProjectId", projectId), ("PageSize", "50"))).At("Data.List.ProductInfo");
        Assert.Contains(ownersList.EnumerateArray(), p => p.Str("ProductKey") == byB); // the product is the project owner's
        Assert.Contains("Level", (await server.Call("GetThingModelTsl", ("ProductKey", pk))).Str("Data.TslStr"));
        // The rest of A stays invisible.
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(b, "QueryProduct", ("ProductKey", privatePk))).Code);
        var bList = (await server.CallAs(b, "QueryProductList", ("PageSize", "200"))).At("Data.List.ProductInfo");
        Assert.DoesNotContain(bList.EnumerateArray(), p => p.Str("ProductKey") == privatePk);
        // Only the owner changes or authorizes the project.
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "AuthorizeProject", ("ProjectId", projectId), ("AccountUid", b.AccountUid), ("Role", "admin"))).Code);
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "DeleteProject", ("ProjectId", projectId))).Code);

        // Granting again as viewer: reads still work, changes are refused with the platform's RAM error.
        await server.Call("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", b.AccountUid), ("Role", "viewer"));
        Assert.Single((await server.Call("QueryProjectAuthorizationList", ("ProjectId", projectId))).At("Data.List.AuthorizationInfo").EnumerateArray());
        Assert.Equal(pk, (await server.CallAs(b, "QueryProduct", ("ProductKey", pk))).Str("Data.ProductKey"));
        var refused = await server.FailsAs(b, "UpdateThingModel", ("ProductKey", pk), ("Identifier", "Level"), ("ThingModelJson", Feature));
        Assert.Equal("Forbidden.RAM", refused.Code);
        Assert.Contains("viewer", refused.Message);
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "RegisterDevice", ("ProductKey", pk), ("DeviceName", "refused_one"))).Code);
        // Nor may a viewer delete, disable or command the project's devices.
        var named = new[] { ("ProductKey", pk), ("DeviceName", device.Str("DeviceName")) };
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "DeleteDevice", named)).Code);
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "DisableThing", named)).Code);
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "SetDeviceProperty", [.. named, ("Items", """{"Level":1}""")])).Code);
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "InvokeThingService", [.. named, ("Identifier", "Blink")])).Code);
        Assert.NotEqual("DISABLE", (await server.Call("QueryDeviceDetail", named)).Str("Data.Status"));
        Assert.Equal("Forbidden.RAM", (await server.FailsAs(b, "CreateProduct", ("ProductName", Unique("No")), ("NodeType", "0"), ("ProjectId", projectId))).Code);
        Assert.Equal("iot.device.NotExistedDevice", (await server.Fails("QueryDeviceDetail", ("ProductKey", pk), ("DeviceName", "refused_one"))).Code);

        // Revoked: gone at the next request.
        await server.Call("RevokeProjectAuthorization", ("ProjectId", projectId), ("AccountUid", b.AccountUid));
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(b, "QueryProduct", ("ProductKey", pk))).Code);
        Assert.Empty((await server.CallAs(b, "QueryProjectList", ("Type", "AUTHORIZED"))).At("Data.List.ProjectInfo").EnumerateArray());
        Assert.Equal("iot.project.NotExistedProject", (await server.FailsAs(b, "GetProject", ("ProjectId", projectId))).Code);
        Assert.Equal("iot.project.NotExistedAuthorization",
            (await server.Fails("RevokeProjectAuthorization", ("ProjectId", projectId), ("AccountUid", b.AccountUid))).Code);
    }

    [Fact]
    public async Task Bad_authorizations_are_refused()
    {
        var projectId = (await server.Call("CreateProject", ("ProjectName", Unique("Lonely")))).Str("Data.ProjectId");
        Assert.Equal("iot.account.NotExistedAccount",
            (await server.Fails("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", "1999999999999999"), ("Role", "viewer"))).Code);
        var b = await server.NewAccountAsync(Unique("partner"));
        Assert.Equal(400, (await server.Fails("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", b.AccountUid), ("Role", "owner"))).Status);
        var adminUid = (await server.Call("GetProject", ("ProjectId", projectId))).Str("Data.OwnerUid");
        Assert.Equal("iot.common.InvalidFormattedParameter",
            (await server.Fails("AuthorizeProject", ("ProjectId", projectId), ("AccountUid", adminUid), ("Role", "viewer"))).Code);
        Assert.Empty((await server.Call("QueryProjectAuthorizationList", ("ProjectId", projectId))).At("Data.List.AuthorizationInfo").EnumerateArray());
    }
}
