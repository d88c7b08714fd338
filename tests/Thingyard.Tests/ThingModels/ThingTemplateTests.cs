// The shipped catalogues on their own: every thing template is valid TSL with the categories' expected features, and
// the certified-module list is complete and unambiguous.
using System.Text.Json;
using Thingyard.Protocol.Tsl;
using Thingyard.Registry;
using Thingyard.ThingModels;

namespace Thingyard.Tests.ThingModels;

public sealed class ThingTemplateTests
{
    public static TheoryData<string> CategoryKeys => new(ThingTemplates.All.Select(t => t.CategoryKey));

    [Fact]
    public void The_catalogue_has_the_standard_categories()
    {
        var keys = ThingTemplates.All.Select(t => t.CategoryKey).ToList();
        foreach (var key in new[] { "Lamp", "Outlet", "WallSwitch", "AirConditioning", "Curtain", "TempHumiditySensor", "DoorContact", "Gateway" })
            Assert.Contains(key, keys);
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(ThingTemplates.All, t => Assert.False(string.IsNullOrWhiteSpace(t.CategoryName)));
    }

    [Theory]
    [MemberData(nameof(CategoryKeys))]
    public void Every_template_parses_with_the_tsl_parser_and_has_features(string key)
    {
        var template = ThingTemplates.Get(key);
        var parsed = TslParser.Parse(template.Tsl);

        Assert.Equal(template.Model, parsed);
        Assert.True(parsed.Properties.Count > 0, $"{key} has no properties");
        Assert.True(parsed.FeatureCount >= 3, $"{key} has only {parsed.FeatureCount} features");
        using var doc = JsonDocument.Parse(template.Tsl);
        Assert.Equal(TslWriter.SchemaUrl, doc.RootElement.GetProperty("schema").GetString());
        Assert.Equal(key, doc.RootElement.GetProperty("profile").GetProperty("categoryKey").GetString());
    }

    [Fact]
    public void The_lamp_has_its_standard_features()
    {
        var lamp = ThingTemplates.Get("Lamp").Model;

        Assert.Equal("bool", TslDataTypeOf(lamp, "LightSwitch"));
        Assert.True(lamp.Property("LightSwitch")!.Writable);
        Assert.Equal("int", TslDataTypeOf(lamp, "Brightness"));
        Assert.Equal("int", TslDataTypeOf(lamp, "ColorTemperature"));
        Assert.Equal("enum", TslDataTypeOf(lamp, "WorkMode"));
        Assert.NotNull(lamp.Event("Error"));
        Assert.NotNull(lamp.Service("ToggleLightSwitch"));
        var outlet = ThingTemplates.Get("Outlet").Model;
        Assert.NotNull(outlet.Property("PowerSwitch"));
        Assert.NotNull(outlet.Property("RealTimePower"));
        Assert.NotNull(outlet.Property("TotalConsumption"));
        Assert.NotNull(outlet.Event("OverloadAlert"));
    }

    static string TslDataTypeOf(ThingModel model, string identifier)
    {
        using var doc = JsonDocument.Parse(TslWriter.ToTslJson(model, "pk"));
        return doc.RootElement.GetProperty("properties").EnumerateArray()
            .Single(p => p.GetProperty("identifier").GetString() == identifier).GetProperty("dataType").GetProperty("type").GetString()!;
    }

    [Fact]
    public void Choosing_features_keeps_only_the_named_ones_and_refuses_unknown_names()
    {
        var lamp = ThingTemplates.Get("Lamp");

        var chosen = lamp.Features(["Brightness", "Error"]);
        Assert.Equal(["Brightness"], chosen.Properties.Select(p => p.Identifier).ToList());
        Assert.Equal(["Error"], chosen.Events.Select(e => e.Identifier).ToList());
        Assert.Empty(chosen.Services);
        Assert.Equal("iot.tsl.NotExistedIdentifier", Assert.Throws<Thingyard.Common.IotException>(() => lamp.Features(["Nope"])).Code);
    }

    [Fact]
    public void An_unknown_category_is_refused_with_the_list_of_categories()
    {
        var e = Assert.Throws<Thingyard.Common.IotException>(() => ThingTemplates.Get("Toaster"));
        Assert.Equal("iot.prod.NotExistedCategory", e.Code);
        Assert.Contains("Lamp", e.Message);
    }

    [Fact]
    public void The_module_catalogue_lists_at_least_eight_modules_with_unique_ids()
    {
        var modules = CertifiedModules.All;

        Assert.True(modules.Count >= 8, $"only {modules.Count} modules");
        Assert.Equal(modules.Count, modules.Select(m => m.ModuleId).Distinct().Count());
        Assert.All(modules, m =>
        {
            Assert.False(string.IsNullOrWhiteSpace(m.Vendor));
            Assert.False(string.IsNullOrWhiteSpace(m.Model));
            Assert.Contains(m.NetType, new[] { "WIFI", "CELLULAR", "NB-IoT" });
            Assert.NotEmpty(m.Sdk);
        });
        Assert.Contains(modules, m => m.ModuleId == "espressif-esp32-c3");
        Assert.All(CertifiedModules.List("cellular"), m => Assert.Equal("CELLULAR", m.NetType));
        Assert.Equal("iot.prod.NotExistedModule", Assert.Throws<Thingyard.Common.IotException>(() => CertifiedModules.Get("nope")).Code);
    }
}
