// The standard-feature catalogue over real HTTP: ListThingTemplates and GetThingTemplate, products created from a
// category, standard features added to a draft (ImportThingTemplateFeatures), CopyThingModel, and the REST routes.
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Lifecycle;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;
using static Thingyard.Tests.ThingModels.TslSamples;

namespace Thingyard.Tests.ThingModels;

public sealed class ThingTemplateActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    async Task<string> NewProductAsync(string? category, string prefix = "Tpl")
    {
        var p = new List<(string, string)> { ("ProductName", Unique(prefix)), ("NodeType", "0") };
        if (category is not null) p.Add(("CategoryKey", category));
        return (await server.Call("CreateProduct", [.. p])).Str("ProductKey");
    }

    async Task<JsonElement> DraftAsync(string productKey) =>
        JsonDocument.Parse((await server.Call("GetThingModelTsl", ("ProductKey", productKey))).Str("Data.TslStr")).RootElement;

    static List<string> Ids(JsonElement tsl, string list) => tsl.GetProperty(list).Pluck("identifier");

    [Fact]
    public async Task List_thing_templates_names_every_category()
    {
        var data = (await server.Call("ListThingTemplates")).At("Data");

        var lamp = data.EnumerateArray().Single(t => t.Str("CategoryKey") == "Lamp");
        Assert.Equal("Lamp", lamp.Str("CategoryName"));
        Assert.Equal(["CategoryKey", "CategoryName"], lamp.EnumerateObject().Select(p => p.Name).ToList());
        foreach (var key in new[] { "Outlet", "WallSwitch", "AirConditioning", "Curtain", "TempHumiditySensor", "DoorContact", "Gateway" })
            Assert.Contains(key, data.Pluck("CategoryKey"));
    }

    [Fact]
    public async Task Get_thing_template_returns_the_tsl_as_a_string_and_refuses_an_unknown_category()
    {
        var json = (await server.Call("GetThingTemplate", ("CategoryKey", "Lamp"))).Str("Data.ThingModelJSON");

        var tsl = JsonDocument.Parse(json).RootElement;
        Assert.Contains("LightSwitch", Ids(tsl, "properties"));
        Assert.Equal(["post", "Error"], Ids(tsl, "events"));
        Assert.Equal(["set", "get", "ToggleLightSwitch"], Ids(tsl, "services"));
        var brightness = tsl.GetProperty("properties").EnumerateArray().Single(p => p.Str("identifier") == "Brightness");
        Assert.Equal("100", brightness.Str("dataType.specs.max"));
        Assert.Equal("%", brightness.Str("dataType.specs.unit"));

        var e = await server.Fails("GetThingTemplate", ("CategoryKey", "Toaster"));
        Assert.Equal("iot.prod.NotExistedCategory", e.Code);
        Assert.Equal("MissingParameter", (await server.Fails("GetThingTemplate")).Code);
    }

    [Fact]
    public async Task A_product_created_with_a_category_starts_with_its_standard_features()
    {
        var productKey = await NewProductAsync("Lamp");

        var draft = await DraftAsync(productKey);
        Assert.Equal(productKey, draft.Str("profile.productKey"));
        Assert.Contains("LightSwitch", Ids(draft, "properties"));
        Assert.Contains("ToggleLightSwitch", Ids(draft, "services"));
        var product = (await server.Call("QueryProduct", ("ProductKey", productKey))).At("Data");
        Assert.Equal("Lamp", product.Str("CategoryKey"));
        Assert.Equal("Lamp", product.Str("CategoryName"));

        // Without a category nothing changes: an empty draft.
        Assert.Empty(Ids(await DraftAsync(await NewProductAsync(null)), "properties"));
    }

    [Fact]
    public async Task An_unknown_category_is_refused_before_the_product_is_created()
    {
        var name = Unique("TplBad");
        var e = await server.Fails("CreateProduct", ("ProductName", name), ("NodeType", "0"), ("CategoryKey", "Toaster"));

        Assert.Equal("iot.prod.NotExistedCategory", e.Code);
        var list = await server.Call("QueryProductList", ("PageSize", "200"), ("ProductName", name));
        Assert.Equal(0, list.At("Data.Total").GetInt32());
    }

    [Fact]
    public async Task Standard_features_are_added_to_the_draft_and_ones_already_there_are_refused()
    {
        var productKey = await NewProductAsync(null);
        await server.Call("CreateThingModel", ("ProductKey", productKey), ("ThingModelJson", Doc(Property("speed", IntType()))));

        await server.Call("ImportThingTemplateFeatures", ("ProductKey", productKey), ("CategoryKey", "Lamp"),
            ("Identifiers", """["LightSwitch","Brightness","Error"]"""));
        await server.Call("ImportThingTemplateFeatures", ("ProductKey", productKey), ("CategoryKey", "Outlet"), ("Identifiers", "RealTimePower, OverloadAlert"));

        var draft = await DraftAsync(productKey);
        Assert.Equal(["speed", "LightSwitch", "Brightness", "RealTimePower"], Ids(draft, "properties"));
        Assert.Equal(["post", "Error", "OverloadAlert"], Ids(draft, "events"));

        var before = draft.GetRawText();
        var dup = await server.Fails("ImportThingTemplateFeatures", ("ProductKey", productKey), ("CategoryKey", "Lamp"),
            ("Identifiers", "ColorTemperature,LightSwitch"));
        Assert.Equal("iot.tsl.AlreadyExistedIdentifier", dup.Code);
        Assert.Contains("LightSwitch", dup.Message);
        Assert.Equal(before, (await DraftAsync(productKey)).GetRawText());

        Assert.Equal("iot.tsl.NotExistedIdentifier", (await server.Fails("ImportThingTemplateFeatures", ("ProductKey", productKey),
            ("CategoryKey", "Lamp"), ("Identifiers", "Nope"))).Code);
        Assert.Equal("MissingParameter", (await server.Fails("ImportThingTemplateFeatures", ("ProductKey", productKey), ("CategoryKey", "Lamp"))).Code);
    }

    [Fact]
    public async Task Copy_thing_model_puts_the_sources_published_version_into_the_targets_draft()
    {
        var source = await NewProductAsync("Lamp", "TplSrc");
        await server.Call("CreateThingModel", ("ProductKey", source), ("ThingModelJson", Doc(Property("NightLight", IntType()))));
        await server.Call("PublishThingModel", ("ProductKey", source), ("ModelVersion", "1.0"));
        await server.Call("CreateThingModel", ("ProductKey", source), ("ThingModelJson", Doc(Property("AfterPublish", IntType()))));
        var target = await NewProductAsync("Lamp", "TplDst");
        await server.Call("DeleteThingModel", ("ProductKey", target), ("PropertyIdentifier.1", "Brightness"));

        await server.Call("CopyThingModel", ("SourceProductKey", source), ("TargetProductKey", target), ("SourceModelVersion", "1.0"));

        var draft = await DraftAsync(target);
        Assert.Equal(target, draft.Str("profile.productKey"));
        var properties = Ids(draft, "properties");
        Assert.Contains("NightLight", properties);
        Assert.Contains("Brightness", properties);
        Assert.DoesNotContain("AfterPublish", properties);
        // The target's published versions are untouched: the copy is a draft.
        Assert.Equal("iot.tsl.NotPublishedTsl", (await server.Fails("GetThingModelTslPublished", ("ProductKey", target))).Code);
    }

    [Fact]
    public async Task Copy_thing_model_needs_the_version_and_the_same_category()
    {
        var source = await NewProductAsync("Lamp", "TplSrc");
        await server.Call("PublishThingModel", ("ProductKey", source), ("ModelVersion", "1.0"));
        var lamp = await NewProductAsync("Lamp", "TplDst");
        var outlet = await NewProductAsync("Outlet", "TplDst");
        var plain = await NewProductAsync(null, "TplDst");

        var missing = await server.Fails("CopyThingModel", ("SourceProductKey", source), ("TargetProductKey", lamp));
        Assert.Equal("MissingParameter", missing.Code);
        Assert.Contains("SourceModelVersion", missing.Message);

        var unknown = await server.Fails("CopyThingModel", ("SourceProductKey", source), ("TargetProductKey", lamp), ("SourceModelVersion", "9.9"));
        Assert.Equal("iot.tsl.NotExistedVersion", unknown.Code);

        foreach (var other in new[] { outlet, plain })
        {
            var before = (await DraftAsync(other)).GetRawText();
            var e = await server.Fails("CopyThingModel", ("SourceProductKey", source), ("TargetProductKey", other), ("SourceModelVersion", "1.0"));
            Assert.Equal("iot.prod.CategoryMismatch", e.Code);
            Assert.Equal(before, (await DraftAsync(other)).GetRawText());
        }
    }

    [Fact]
    public async Task Copy_thing_model_refuses_a_released_target()
    {
        var source = await NewProductAsync("Lamp", "TplSrc");
        await server.Call("PublishThingModel", ("ProductKey", source), ("ModelVersion", "1.0"));
        var target = await NewProductAsync("Lamp", "TplRel");
        await using (var db = await server.DbAsync())
            await db.Products.Where(p => p.ProductKey == target).ExecuteUpdateAsync(u => u.SetProperty(p => p.ReleaseState, ReleaseStates.Released));

        var e = await server.Fails("CopyThingModel", ("SourceProductKey", source), ("TargetProductKey", target), ("SourceModelVersion", "1.0"));

        Assert.Equal("iot.prod.ProductReleased", e.Code);
        Assert.Contains("CancelReleaseProduct", e.Message);
        Assert.Equal("iot.prod.ProductReleased", (await server.Fails("ImportThingTemplateFeatures", ("ProductKey", target),
            ("CategoryKey", "Outlet"), ("Identifiers", "PowerSwitch"))).Code);
    }

    [Fact]
    public async Task Another_accounts_product_is_not_found_as_source_or_target()
    {
        var source = await NewProductAsync("Lamp", "TplSrc");
        await server.Call("PublishThingModel", ("ProductKey", source), ("ModelVersion", "1.0"));
        var target = await NewProductAsync("Lamp", "TplDst");
        var other = await server.NewAccountAsync(Unique("tpl"));
        var own = (await server.CallAs(other, "CreateProduct", ("ProductName", Unique("TplB")), ("NodeType", "0"), ("CategoryKey", "Lamp"))).Str("ProductKey");
        var before = (await DraftAsync(target)).GetRawText();

        foreach (var (from, to) in new[] { (source, target), (source, own), (own, target) })
        {
            var e = await server.FailsAs(other, "CopyThingModel", ("SourceProductKey", from), ("TargetProductKey", to), ("SourceModelVersion", "1.0"));
            Assert.Equal("iot.prod.NotExistedProduct", e.Code);
        }
        Assert.Equal(before, (await DraftAsync(target)).GetRawText());
    }

    [Fact]
    public async Task The_rest_routes_list_and_show_templates()
    {
        using var rest = server.Rest();

        var list = await JsonOf(await rest.GetAsync("/api/v1/thing-templates"), HttpStatusCode.OK);
        Assert.Contains("Curtain", list.Pluck("categoryKey"));
        var tsl = await JsonOf(await rest.GetAsync("/api/v1/thing-templates/Curtain"), HttpStatusCode.OK);
        Assert.Contains("CurtainPosition", Ids(tsl, "properties"));
        var missing = await JsonOf(await rest.GetAsync("/api/v1/thing-templates/Toaster"), HttpStatusCode.NotFound);
        Assert.Equal("iot.prod.NotExistedCategory", missing.Str("title"));
    }
}
