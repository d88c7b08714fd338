// `thingyard ops figures` and `thingyard ops skin` against a live server with the scripted population: the totals,
// the daily table and the top errors as scripted; one table as CSV; the skin changed from the command line (a logo
// from a file) and a bad colour refused with the platform's message.
using Thingyard.Tests.Cli;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.OpsHub;

public sealed class OpsHubCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>, IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("thingyard-ops-cli").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Figures_and_csv_show_the_scripted_population()
    {
        var p = await OpsPopulation.ScriptAsync(server);
        string[] week = ["--project", p.ProjectId, "--from", OpsPopulation.Day(0), "--to", OpsPopulation.Day(6)];
        var figures = await CliRun.RunAsync(server, ["ops", "figures", .. week]);
        Assert.True(figures.Code == 0, figures.Err);
        Assert.Contains($"{OpsPopulation.Day(0)} to {OpsPopulation.Day(6)} (UTC)", figures.Out);
        Assert.Matches($@"(?m)^Devices:\s+{p.Devices}\s*$", figures.Out);
        Assert.Matches($@"(?m)^Bindings:\s+{p.BindingTotal}\s*$", figures.Out);
        Assert.Matches($@"(?m)^OpenAlarms:\s+{p.OpenAlarms}\s*$", figures.Out);
        for (var i = 0; i < OpsPopulation.Days; i++)
            Assert.Matches($@"(?m)^{OpsPopulation.Day(i)}\s+{p.Activations[i]}\s+{p.Active[i]}\s+{p.Online[i]}\s+{p.EndUsers[i]}\s+{p.Bindings[i]}\s+{p.Alarms[i]}\s*$", figures.Out);
        Assert.Matches(@"(?m)^service\s+reboot\s+460\s+3\s*$", figures.Out);

        var csv = await CliRun.RunAsync(server, ["ops", "figures", .. week, "--csv", "bindings"]);
        Assert.True(csv.Code == 0, csv.Err);
        Assert.Equal(p.Bindings.Select((c, i) => $"{OpsPopulation.Day(i)},{c}").Prepend("day,count"), csv.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var unknown = await CliRun.RunAsync(server, ["ops", "figures", .. week, "--csv", "secrets"]);
        Assert.Equal(1, unknown.Code);
        Assert.Contains("There is no table 'secrets'", unknown.Err);
    }

    [Fact]
    public async Task The_skin_is_changed_and_shown_from_the_command_line()
    {
        var project = (await server.Call("CreateProject", ("ProjectName", RegistryCalls.Unique("CliSkin")))).Str("Data.ProjectId");
        var logo = Path.Combine(_dir, "logo.svg");
        await File.WriteAllTextAsync(logo, """<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>""");
        var set = await CliRun.RunAsync(server, "ops", "skin", "--project", project, "--hub-name", "Acme Care", "--hub-color", "#8E24AA", "--hub-logo", logo);
        Assert.True(set.Code == 0, set.Err);
        Assert.Matches(@"(?m)^HubName:\s+Acme Care$", set.Out);
        Assert.Matches(@"(?m)^HubLogo:\s+image/svg\+xml, \d+ bytes$", set.Out);
        Assert.Matches(@"(?m)^HubColor:\s+#8e24aa$", (await CliRun.RunAsync(server, "ops", "skin", "--project", project)).Out);

        var bad = await CliRun.RunAsync(server, "ops", "skin", "--project", project, "--hub-color", "purple");
        Assert.Equal(1, bad.Code);
        Assert.Contains("#rrggbb", bad.Err);
        Assert.Equal("#8e24aa", (await server.Call("QueryProjectBranding", ("ProjectId", project))).Str("Data.HubColor"));
        Assert.Matches(@"(?m)^HubLogo:\s+-$", (await CliRun.RunAsync(server, "ops", "skin", "--project", project, "--hub-logo", "")).Out);
    }
}
