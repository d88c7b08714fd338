// `thingyard aligenie ...` against a live server: a project's skill created (the secret printed once, with the URLs for
// the AliGenie console), shown without the secret, refused a second time, deleted; a lamp product's mapping shown
// (standard), overridden from a file, refused with the reason for a bad one, and reset to the standard one with {}.
using Thingyard.Tests.AliGenie;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cli;

public sealed class AliGenieCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("thingyard-aligenie-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_skill_is_created_shown_and_deleted_and_mappings_are_set_from_the_command_line()
    {
        var project = await server.ProjectAsync();
        var created = await CliRun.RunAsync(server, "aligenie", "skill", "create", project, "--redirect-uri", AliGenieKit.Callback);
        Assert.True(created.Code == 0, created.Err);
        Assert.Matches(@"ClientId:\s+aligenie_" + project, created.Out);
        Assert.Matches(@"ClientSecret:\s+\w{40}", created.Out);
        Assert.Matches(@"GatewayUrl:\s+http://\S+/aligenie/v1/gateway", created.Out);
        Assert.Contains("RedirectUri:  " + AliGenieKit.Callback, created.Out);

        var shown = await CliRun.RunAsync(server, "aligenie", "skill", "show", project);
        Assert.True(shown.Code == 0, shown.Err);
        Assert.Matches(@"TokenUrl:\s+http://\S+/aligenie/oauth/token", shown.Out);
        Assert.DoesNotContain("ClientSecret", shown.Out);
        var again = await CliRun.RunAsync(server, "aligenie", "skill", "create", project, "--redirect-uri", AliGenieKit.Callback);
        Assert.NotEqual(0, again.Code);
        Assert.Contains("iot.aligenie.AlreadyExistedSkill", again.Err);
        Assert.Equal(0, (await CliRun.RunAsync(server, "aligenie", "skill", "delete", project)).Code);
        Assert.Contains("iot.aligenie.NotExistedSkill", (await CliRun.RunAsync(server, "aligenie", "skill", "show", project)).Err);

        var pk = await server.CategoryProductAsync(project, "Lamp");
        var standard = await CliRun.RunAsync(server, "aligenie", "mapping", "show", pk);
        Assert.True(standard.Code == 0, standard.Err);
        Assert.Contains("DeviceType:  light", standard.Out);
        Assert.Matches(@"brightness\s+Brightness", standard.Out);

        var file = Path.Combine(_dir, "mapping.json");
        await File.WriteAllTextAsync(file, """{"deviceType":"switch","attributes":{"brightness":null}}""");
        var set = await CliRun.RunAsync(server, "aligenie", "mapping", "set", pk, file);
        Assert.True(set.Code == 0, set.Err);
        Assert.Contains("DeviceType:  switch", set.Out);
        Assert.DoesNotMatch(@"brightness\s+Brightness", set.Out);

        await File.WriteAllTextAsync(file, """{"deviceType":"toaster"}""");
        var bad = await CliRun.RunAsync(server, "aligenie", "mapping", "set", pk, file);
        Assert.NotEqual(0, bad.Code);
        Assert.Matches("iot.aligenie.InvalidMapping.*deviceType", bad.Err);
        Assert.Contains("DeviceType:  switch", (await CliRun.RunAsync(server, "aligenie", "mapping", "show", pk)).Out);

        await File.WriteAllTextAsync(file, "{}");
        Assert.Contains("DeviceType:  light", (await CliRun.RunAsync(server, "aligenie", "mapping", "set", pk, file)).Out);
    }
}
