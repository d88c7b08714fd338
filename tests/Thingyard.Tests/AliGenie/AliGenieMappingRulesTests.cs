// The mapping rules as pure functions: the standard mapping by category, fallback to properties named like an
// attribute, overrides on top (replace, drop, device type), and the actions each profile offers.
using Thingyard.AliGenie;
using Thingyard.Common;
using Thingyard.Protocol.Tsl;
using Thingyard.ThingModels;

namespace Thingyard.Tests.AliGenie;

public sealed class AliGenieMappingRulesTests
{
    static ThingModel Lamp => ThingTemplates.Get("Lamp").Model;

    [Fact]
    public void A_lamp_maps_power_brightness_colour_temperature_and_mode()
    {
        var profile = AliGenieMappingRules.Effective("Lamp", Lamp, null)!;
        Assert.Equal("light", profile.DeviceType);
        Assert.Equal(("LightSwitch", "Brightness", "ColorTemperature", "WorkMode"), (profile.Attributes["powerstate"].Property,
            profile.Attributes["brightness"].Property, profile.Attributes["colorTemperature"].Property, profile.Attributes["mode"].Property));
        Assert.Equal(["TurnOn", "TurnOff", "QueryPowerState"], profile.Actions().Take(3));
        Assert.Contains("AdjustDownBrightness", profile.Actions());
        Assert.DoesNotContain("AdjustUpMode", profile.Actions());
    }

    [Fact]
    public void An_air_conditioner_maps_target_temperature_and_named_modes()
    {
        var profile = AliGenieMappingRules.Effective("AirConditioning", ThingTemplates.Get("AirConditioning").Model, null)!;
        Assert.Equal(("aircondition", "TargetTemperature"), (profile.DeviceType, profile.Attributes["temperature"].Property));
        Assert.Equal(1, profile.Attributes["mode"].Values!["cold"].GetInt32());
    }

    [Fact]
    public void A_product_without_a_category_shows_only_what_its_override_names_or_properties_named_like_attributes()
    {
        var model = TslParser.Parse("""
            {"properties":[{"identifier":"powerstate","name":"Power","accessMode":"rw","dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
                           {"identifier":"Speed","name":"Speed","accessMode":"rw","dataType":{"type":"int","specs":{"min":"0","max":"3","step":"1"}}}],
             "events":[],"services":[]}
            """);
        Assert.Null(AliGenieMappingRules.Effective(null, model, null));
        var over = AliGenieMappingRules.Parse("""{"deviceType":"fan","attributes":{"windspeed":{"property":"Speed"}}}""", model);
        var profile = AliGenieMappingRules.Effective(null, model, over)!;
        Assert.Equal(("fan", "powerstate", "Speed"), (profile.DeviceType, profile.Attributes["powerstate"].Property, profile.Attributes["windspeed"].Property));
    }

    [Fact]
    public void An_override_drops_and_replaces_standard_attributes()
    {
        var over = AliGenieMappingRules.Parse("""{"attributes":{"brightness":null,"mode":{"property":"WorkMode","values":{"sleep":3}}}}""", Lamp);
        var profile = AliGenieMappingRules.Effective("Lamp", Lamp, over)!;
        Assert.False(profile.Attributes.ContainsKey("brightness"));
        Assert.Equal(["sleep"], profile.Attributes["mode"].Values!.Keys);
    }

    [Theory]
    [InlineData("""{"deviceType":"toaster"}""", "deviceType")]
    [InlineData("""{"attributes":{"mode":{"property":"WorkMode"}}}""", "name its values")]
    [InlineData("""{"attributes":{"brightness":{"property":"Brightness","values":{"max":1000}}}}""", "values.max")]
    [InlineData("""{"colour":"red"}""", "unknown field")]
    [InlineData("[]", "JSON object")]
    public void A_bad_override_is_refused_with_what_is_wrong(string json, string says)
    {
        var e = Assert.Throws<IotException>(() => AliGenieMappingRules.Parse(json, Lamp));
        Assert.Equal(AliGenieMappingRules.InvalidMapping, e.Code);
        Assert.Contains(says, e.Message);
    }
}
