// The Operations Hub's figures against a scripted population (OpsPopulation): every daily series, breakdown, top
// error and total equals what was scripted, through QueryOpsHubFigures and through the REST CSV export; the noise
// (another project, a test device, a pending invitation, records outside the week) never counts.
using System.Globalization;
using System.Net;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.OpsHub;

public sealed class OpsHubFiguresTests(OpsHubServer server) : IClassFixture<OpsHubServer>
{
    static string Ms(long ms) => ms.ToString(CultureInfo.InvariantCulture);

    async Task<(OpsPopulation, JsonElement)> ScriptedAsync()
    {
        var p = await OpsPopulation.ScriptAsync(server);
        var data = (await server.Call("QueryOpsHubFigures", ("ProjectId", p.ProjectId), ("StartTime", Ms(OpsPopulation.StartMs)),
            ("EndTime", Ms(OpsPopulation.EndMs)))).At("Data");
        return (p, data);
    }

    static List<(string, long)> Series(long[] expected) => expected.Select((c, i) => (OpsPopulation.Day(i), c)).ToList();

    static List<(string, long)> Series(JsonElement data, string name) =>
        data.At(name).EnumerateArray().Select(e => (e.Str("Day"), e.At("Count").GetInt64())).ToList();

    static Dictionary<string, long> Breakdown(JsonElement data, string name) =>
        data.At(name).EnumerateArray().ToDictionary(e => e.Str("Key"), e => e.At("Count").GetInt64());

    [Fact]
    public async Task The_figures_are_exactly_the_scripted_population()
    {
        var (p, data) = await ScriptedAsync();
        Assert.Equal(OpsPopulation.Day(0), data.Str("From"));
        Assert.Equal(OpsPopulation.Day(6), data.Str("To"));
        Assert.Equal(Series(p.Activations), Series(data, "Activations"));
        Assert.Equal(Series(p.Active), Series(data, "ActiveDevices"));
        Assert.Equal(Series(p.Online), Series(data, "OnlineTrend"));
        Assert.Equal(Series(p.EndUsers), Series(data, "NewEndUsers"));
        Assert.Equal(Series(p.Bindings), Series(data, "NewBindings"));
        Assert.Equal(Series(p.Alarms), Series(data, "Alarms"));
        // N activations, M bindings, K alarms: the week's sums as scripted.
        Assert.Equal(8, p.Activations.Sum());
        Assert.Equal(6, p.Bindings.Sum());
        Assert.Equal(7, p.Alarms.Sum());
        Assert.Equal(5, p.EndUsers.Sum());

        Assert.Equal(p.ByProduct, Breakdown(data, "ByProduct"));
        Assert.Equal(p.ByFirmware, Breakdown(data, "ByFirmware"));
        Assert.Equal(p.ByRegion, Breakdown(data, "ByRegion"));
        Assert.Equal(new Dictionary<string, long> { ["FR"] = 4, ["SG"] = 2, ["unknown"] = 3 }, Breakdown(data, "ByRegion"));
        Assert.Equal(p.BySeverity, Breakdown(data, "AlarmsBySeverity"));
        Assert.Equal(OpsPopulation.TopErrors.ToList(), data.At("TopErrors").EnumerateArray()
            .Select(e => (e.Str("Source"), e.Str("Identifier"), e.Str("Code"), e.At("Count").GetInt64())).ToList());

        var totals = data.At("Totals");
        Assert.Equal((p.Devices, p.Activated, p.OnlineNow, p.EndUserTotal, p.BindingTotal, p.OpenAlarms),
            (totals.At("Devices").GetInt64(), totals.At("Activated").GetInt64(), totals.At("OnlineNow").GetInt64(), totals.At("EndUsers").GetInt64(),
             totals.At("Bindings").GetInt64(), totals.At("OpenAlarms").GetInt64()));
    }

    [Fact]
    public async Task The_csv_export_holds_the_same_figures()
    {
        var (p, _) = await ScriptedAsync();
        using var rest = server.Rest();
        async Task<string[]> Csv(string table)
        {
            var response = await rest.GetAsync($"/api/v1/projects/{p.ProjectId}/ops/{table}.csv?start={OpsPopulation.StartMs}&end={OpsPopulation.EndMs}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            return (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        async Task Expect(string table, string header, IEnumerable<string> lines)
        {
            var actual = await Csv(table);
            Assert.Equal(lines.Prepend(header).ToArray(), actual);
        }
        static IEnumerable<string> Days(long[] counts) => Series(counts).Select(s => $"{s.Item1},{s.Item2}");
        await Expect("activations", "day,count", Days(p.Activations));
        await Expect("bindings", "day,count", Days(p.Bindings));
        await Expect("alarms", "day,count", Days(p.Alarms));
        await Expect("active", "day,count", Days(p.Active));
        await Expect("regions", "region,count", ["FR,4", "unknown,3", "SG,2"]);
        await Expect("errors", "source,identifier,code,count", OpsPopulation.TopErrors.Select(e => $"{e.Source},{e.Identifier},{e.Code},{e.Count}"));
        Assert.Equal(HttpStatusCode.BadRequest, (await rest.GetAsync($"/api/v1/projects/{p.ProjectId}/ops/passwords.csv")).StatusCode);
    }

    [Fact]
    public async Task Another_account_cannot_see_the_hub_its_end_users_or_its_csv()
    {
        var (p, _) = await ScriptedAsync();
        var other = await server.NewAccountAsync("ops-other");
        foreach (var (action, args) in new (string, (string, string)[])[]
                 {
                     ("QueryOpsHubFigures", [("ProjectId", p.ProjectId)]),
                     ("QueryOpsHubEndUsers", [("ProjectId", p.ProjectId), ("Query", p.EndUserEmail)]),
                     ("QueryOpsHubDevices", [("ProjectId", p.ProjectId)]),
                     ("QueryProjectBranding", [("ProjectId", p.ProjectId)]),
                     ("SetProjectBranding", [("ProjectId", p.ProjectId), ("HubName", "Taken")]),
                 })
        {
            var refused = await server.FailsAs(other, action, args);
            Assert.Equal("iot.project.NotExistedProject", refused.Code);
            Assert.DoesNotContain(p.EndUserEmail, refused.Body.ToString());
        }
        using var rest = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        Assert.Equal(HttpStatusCode.NotFound, (await rest.GetAsync($"/api/v1/projects/{p.ProjectId}/ops/activations.csv")).StatusCode);

        // The owner finds the end user with their bindings, and never a password hash.
        var found = await server.Call("QueryOpsHubEndUsers", ("ProjectId", p.ProjectId), ("Query", p.EndUserEmail));
        var user = Assert.Single(found.At("Data.List.EndUserInfo").EnumerateArray());
        Assert.Equal(p.EndUserEmail, user.Str("Email"));
        Assert.Equal(3, user.At("Bindings").GetArrayLength()); // bindings 0, 3 and 6 went to the first end user
        Assert.DoesNotContain("secret-hash", found.ToString());
        Assert.DoesNotContain("PasswordHash", found.ToString());
    }

    [Fact]
    public async Task A_range_outside_the_week_counts_nothing_but_the_totals()
    {
        var (p, _) = await ScriptedAsync();
        var before = (await server.Call("QueryOpsHubFigures", ("ProjectId", p.ProjectId), ("StartTime", Ms(OpsPopulation.StartMs - 3 * OpsPopulation.DayMs)),
            ("EndTime", Ms(OpsPopulation.StartMs - 2 * OpsPopulation.DayMs)))).At("Data");
        Assert.Equal([(OpsPopulation.Day(-3), 1L)], Series(before, "NewEndUsers"));
        Assert.Equal([(OpsPopulation.Day(-3), 0L)], Series(before, "Activations"));
        Assert.Equal(p.Devices, before.At("Totals.Devices").GetInt64());
        var tooLong = await server.Fails("QueryOpsHubFigures", ("ProjectId", p.ProjectId), ("StartTime", "0"), ("EndTime", Ms(OpsPopulation.EndMs)));
        Assert.Contains("at most 366", tooLong.Message);
    }
}
