// Projects through the OpenAPI: every account has a default project that takes products made without one (and, after
// an upgrade, every older product); products are created inside a project and listed by it; a project with products,
// or the default one, cannot be deleted; bad names and filters are refused.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Protocol.OpenApi;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Projects;

public sealed class ProjectTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public async Task A_product_made_without_a_project_lands_in_the_accounts_default_project()
    {
        var account = await server.NewAccountAsync(Unique("acct"));
        var list = (await server.CallAs(account, "QueryProjectList")).At("Data");
        var only = Assert.Single(list.At("List.ProjectInfo").EnumerateArray());
        Assert.True(only.At("IsDefault").GetBoolean());
        Assert.Equal("owner", only.Str("Role"));
        Assert.False(only.At("Authorized").GetBoolean());

        var pk = (await server.CallAs(account, "CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"))).Str("ProductKey");
        Assert.Equal(only.Str("ProjectId"), (await server.CallAs(account, "QueryProduct", ("ProductKey", pk))).Str("Data.ProjectId"));
        Assert.Equal(1, (await server.CallAs(account, "GetProject", ("ProjectId", only.Str("ProjectId")))).At("Data.ProductCount").GetInt32());
    }

    [Fact]
    public async Task Products_are_created_in_a_project_and_listed_by_it()
    {
        var name = Unique("Home");
        var project = (await server.Call("CreateProject", ("ProjectName", name), ("Description", "lamps and plugs"))).At("Data");
        var projectId = project.Str("ProjectId");
        Assert.StartsWith("prj_", projectId);
        var inside = (await server.Call("CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("ProjectId", projectId))).Str("ProductKey");
        var outside = await server.NewProductAsync();

        var listed = (await server.Call("QueryProductList", ("ProjectId", projectId), ("PageSize", "50"))).At("Data.List.ProductInfo");
        Assert.Equal([inside], listed.EnumerateArray().Select(p => p.Str("ProductKey")).ToArray());
        Assert.Equal(projectId, (await server.Call("QueryProduct", ("ProductKey", inside))).Str("Data.ProjectId"));
        Assert.NotEqual(projectId, (await server.Call("QueryProduct", ("ProductKey", outside))).Str("Data.ProjectId"));

        var got = (await server.Call("GetProject", ("ProjectId", projectId))).At("Data");
        Assert.Equal(name, got.Str("ProjectName"));
        Assert.Equal("lamps and plugs", got.Str("Description"));
        Assert.Equal(1, got.At("ProductCount").GetInt32());

        await server.Call("UpdateProject", ("ProjectId", projectId), ("ProjectName", name + "_2"));
        Assert.Equal(name + "_2", (await server.Call("GetProject", ("ProjectId", projectId))).Str("Data.ProjectName"));
    }

    [Fact]
    public async Task A_project_with_products_and_the_default_project_cannot_be_deleted()
    {
        var projectId = (await server.Call("CreateProject", ("ProjectName", Unique("Busy")))).Str("Data.ProjectId");
        var pk = (await server.Call("CreateProduct", ("ProductName", Unique("Plug")), ("NodeType", "0"), ("ProjectId", projectId))).Str("ProductKey");
        var busy = await server.Fails("DeleteProject", ("ProjectId", projectId));
        Assert.Equal("iot.project.ProjectInUse", busy.Code);
        Assert.Contains("1 product", busy.Message);

        var defaultId = (await server.Call("QueryProduct", ("ProductKey", await server.NewProductAsync()))).Str("Data.ProjectId");
        Assert.Equal("iot.project.ProjectInUse", (await server.Fails("DeleteProject", ("ProjectId", defaultId))).Code);

        await server.Call("DeleteProduct", ("ProductKey", pk));
        await server.Call("DeleteProject", ("ProjectId", projectId));
        Assert.Equal("iot.project.NotExistedProject", (await server.Fails("GetProject", ("ProjectId", projectId))).Code);
    }

    [Fact]
    public async Task Bad_project_requests_are_refused_and_change_nothing()
    {
        var name = Unique("Dup");
        await server.Call("CreateProject", ("ProjectName", name));
        Assert.Equal("iot.project.AlreadyExistedProjectName", (await server.Fails("CreateProject", ("ProjectName", name))).Code);
        Assert.Equal("iot.project.InvalidFormattedName", (await server.Fails("CreateProject", ("ProjectName", new string('x', 65)))).Code);
        Assert.Equal("iot.project.InvalidFormattedName", (await server.Fails("CreateProject", ("ProjectName", "bad\u0001name"))).Code);
        Assert.Equal("iot.project.NotExistedProject",
            (await server.Fails("CreateProduct", ("ProductName", Unique("Orphan")), ("NodeType", "0"), ("ProjectId", "prj_doesnotexist00"))).Code);
        Assert.Equal(400, (await server.Fails("QueryProjectList", ("Type", "MINE"))).Status);
        var projects = (await server.Call("QueryProjectList", ("PageSize", "200"))).At("Data.List.ProjectInfo").EnumerateArray();
        Assert.Single(projects, p => p.Str("ProjectName") == name);
    }

    [Fact]
    public async Task Products_made_before_projects_existed_join_the_default_project_on_upgrade()
    {
        var upgraded = new ThingyardServer();
        await upgraded.InitializeAsync();
        try
        {
        var pk = await upgraded.NewProductAsync();
        var dbs = upgraded.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            // As an older version left it: no project at all.
            await db.Products.Where(p => p.ProductKey == pk).ExecuteUpdateAsync(s => s.SetProperty(p => p.ProjectId, (long?)null));
            await db.Projects.ExecuteDeleteAsync();
        }
        await upgraded.RestartAsync();

        var projectId = (await upgraded.Call("QueryProduct", ("ProductKey", pk))).Str("Data.ProjectId");
        var project = (await upgraded.Call("GetProject", ("ProjectId", projectId))).At("Data");
        Assert.True(project.At("IsDefault").GetBoolean());
        Assert.Equal(1, project.At("ProductCount").GetInt32());
        }
        finally
        {
            await upgraded.DisposeAsync();
        }
    }
}
