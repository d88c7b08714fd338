// `thingyard template list|show`, `product create --category`, `tsl add-standard`, `tsl copy`, `module list` and
// `product module` against a live server.
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Tests.ThingModels;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Cli;

public sealed class TemplateCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static List<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    async Task<string> CreateAsync(string category)
    {
        var created = await CliRun.RunAsync(server, "product", "create", Unique("CliTpl"), "--category", category, "--json");
        Assert.True(created.Code == 0, created.Err);
        return created.Json.GetProperty("ProductKey").GetString()!;
    }

    async Task<List<string>> DraftPropertiesAsync(string productKey) =>
        JsonDocument.Parse((await server.Call("GetThingModelTsl", ("ProductKey", productKey))).Str("Data.TslStr")).RootElement
            .GetProperty("properties").Pluck("identifier");

    [Fact]
    public async Task Template_list_and_show_print_the_catalogue()
    {
        var list = await CliRun.RunAsync(server, "template", "list");
        Assert.Equal(0, list.Code);
        var lines = Lines(list.Out);
        Assert.StartsWith("CATEGORY KEY", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("Lamp ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("TempHumiditySensor ", StringComparison.Ordinal));

        var show = await CliRun.RunAsync(server, "template", "show", "Lamp");
        Assert.Equal(0, show.Code);
        Assert.Contains("ColorTemperature", show.Json.GetProperty("properties").Pluck("identifier"));

        var unknown = await CliRun.RunAsync(server, "template", "show", "Toaster");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("iot.prod.NotExistedCategory", unknown.Err);
    }

    [Fact]
    public async Task A_product_from_a_category_gets_standard_features_and_copies_a_version()
    {
        var source = await CreateAsync("Lamp");
        Assert.Contains("LightSwitch", await DraftPropertiesAsync(source));
        await server.Call("CreateThingModel", ("ProductKey", source), ("ThingModelJson", TslSamples.Doc(TslSamples.Property("NightLight", TslSamples.IntType()))));
        await server.Call("PublishThingModel", ("ProductKey", source), ("ModelVersion", "1.0"));
        var target = await CreateAsync("Lamp");

        var copy = await CliRun.RunAsync(server, "tsl", "copy", "--from", source, "--version", "1.0", "--to", target);
        Assert.True(copy.Code == 0, copy.Err);
        Assert.Equal($"copied version 1.0 of {source} into the draft thing model of {target}", copy.Out.Trim());
        Assert.Contains("NightLight", await DraftPropertiesAsync(target));

        var mismatch = await CliRun.RunAsync(server, "tsl", "copy", "--from", source, "--version", "1.0", "--to", await CreateAsync("Outlet"));
        Assert.Equal(1, mismatch.Code);
        Assert.Contains("iot.prod.CategoryMismatch", mismatch.Err);
        Assert.Equal(2, (await CliRun.RunAsync(server, "tsl", "copy", "--from", source, "--to", target)).Code);
    }

    [Fact]
    public async Task Tsl_add_standard_adds_template_features()
    {
        var productKey = await server.NewProductAsync("CliStd");

        var added = await CliRun.RunAsync(server, "tsl", "add-standard", productKey, "Outlet", "PowerSwitch", "RealTimePower");
        Assert.True(added.Code == 0, added.Err);
        Assert.Equal(["PowerSwitch", "RealTimePower"], await DraftPropertiesAsync(productKey));

        var again = await CliRun.RunAsync(server, "tsl", "add-standard", productKey, "Outlet", "PowerSwitch");
        Assert.Equal(1, again.Code);
        Assert.Contains("iot.tsl.AlreadyExistedIdentifier", again.Err);
    }

    [Fact]
    public async Task Module_list_and_product_module()
    {
        var list = await CliRun.RunAsync(server, "module", "list", "--net-type", "NB-IoT");
        Assert.Equal(0, list.Code);
        var lines = Lines(list.Out);
        Assert.StartsWith("MODULE ID", lines[0]);
        Assert.Contains(lines, l => l.StartsWith("quectel-bc260y ", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("espressif-esp32-c3 ", StringComparison.Ordinal));

        var productKey = await server.NewProductAsync("CliMod");
        var set = await CliRun.RunAsync(server, "product", "module", productKey, "quectel-bc260y");
        Assert.True(set.Code == 0, set.Err);
        Assert.Equal($"product {productKey} uses module quectel-bc260y", set.Out.Trim());
        Assert.Equal("quectel-bc260y", (await server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.ModuleId"));

        var unknown = await CliRun.RunAsync(server, "product", "module", productKey, "acme-x1");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("iot.prod.NotExistedModule", unknown.Err);
    }
}
