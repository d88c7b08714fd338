// `thingyard project`, `panel` and `release` in-process against a live server: a project authorized to another account,
// a product created in it, a panel saved from a file, a release submitted, rejected, approved, and the audit trail.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class LifecycleCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static string Field(string output, string key) =>
        output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith(key + ":", StringComparison.Ordinal))[(key.Length + 1)..].Trim();

    [Fact]
    public async Task A_project_a_panel_and_a_release_from_the_command_line()
    {
        var dev = await server.NewAccountAsync(Unique("cli"));
        var partner = await server.NewAccountAsync(Unique("partner"));
        var env = CliRun.Environment(server, dev);
        var admin = CliRun.Environment(server);

        var project = await CliRun.RunAsync(env, "project", "create", Unique("Kitchen"));
        Assert.True(project.Code == 0, project.Err);
        var projectId = Field(project.Out, "ProjectId");
        var product = await CliRun.RunAsync(env, "product", "create", Unique("Plug"), "--category", "Outlet", "--project", projectId);
        Assert.True(product.Code == 0, product.Err);
        var pk = Field(product.Out, "ProductKey");
        Assert.Equal(0, (await CliRun.RunAsync(env, "project", "grant", projectId, partner.AccountUid, "--role", "developer")).Code);
        Assert.Contains("developer", (await CliRun.RunAsync(env, "project", "grants", projectId)).Out);
        var theirs = await CliRun.RunAsync(CliRun.Environment(server, partner), "project", "list", "--type", "authorized");
        Assert.Contains(projectId, theirs.Out);
        Assert.Contains("authorized by " + dev.AccountUid, theirs.Out);

        var refused = await CliRun.RunAsync(env, "release", "submit", pk);
        Assert.Equal(1, refused.Code);
        Assert.Contains("not published", refused.Err);
        await server.CallAs(dev, "PublishThingModel", ("ProductKey", pk));
        var file = Path.Combine(server.DataDir, "panel.json");
        await File.WriteAllTextAsync(file, """{"pages":[{"title":"Home","sections":[{"title":"Power","widgets":[{"type":"switch","identifier":"PowerSwitch"}]}]}]}""");
        var saved = await CliRun.RunAsync(env, "panel", "save", pk, file);
        Assert.True(saved.Code == 0, saved.Err);
        Assert.Contains("panel version 1 saved", saved.Out);
        var shown = await CliRun.RunAsync(env, "panel", "show", pk);
        Assert.True(shown.Out.Contains("PowerSwitch"), shown.Out + shown.Err);
        Assert.Equal(0, (await CliRun.RunAsync(env, "release", "confirm", pk)).Code);
        var progress = await CliRun.RunAsync(env, "release", "progress", pk);
        Assert.Contains("blocking: not yet seen from a device", progress.Out);

        Assert.Equal(0, (await CliRun.RunAsync(env, "release", "submit", pk, "--waive", "bench tested")).Code);
        Assert.Contains(pk, (await CliRun.RunAsync(admin, "release", "queue")).Out);
        Assert.Equal(0, (await CliRun.RunAsync(admin, "release", "reject", pk, "--reason", "add a photo")).Code);
        Assert.Equal(0, (await CliRun.RunAsync(env, "release", "submit", pk, "--waive", "bench tested")).Code);
        Assert.Equal(0, (await CliRun.RunAsync(admin, "release", "approve", pk)).Code);
        var history = await CliRun.RunAsync(env, "release", "history", pk);
        Assert.Contains("rejected", history.Out);
        Assert.Contains("add a photo", history.Out);
        Assert.Contains("approved", history.Out);
        Assert.Equal(1, (await CliRun.RunAsync(env, "panel", "save", pk, file)).Code);
    }
}
