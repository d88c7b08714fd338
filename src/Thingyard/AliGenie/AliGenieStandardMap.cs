// The standard mapping from a product's category (its standard features) to AliGenie: light, outlet, switch, air
// conditioner, curtain and sensor. A product without one of these categories maps only what its own override says,
// or properties named like an attribute (a property "brightness" serves the attribute brightness).
using System.Text.Json;

namespace Thingyard.AliGenie;

public static class AliGenieStandardMap
{
    static readonly IReadOnlyDictionary<string, JsonElement> OnOff = Values(("on", 1), ("off", 0));

    static readonly Dictionary<string, AliGenieProfile> ByCategory = new(StringComparer.Ordinal)
    {
        ["Lamp"] = new("light", new Dictionary<string, AttributeMap>
        {
            [AliGenieAttributes.PowerState] = new("LightSwitch", OnOff),
            ["brightness"] = new("Brightness"),
            ["colorTemperature"] = new("ColorTemperature"),
            ["mode"] = new("WorkMode", Values(("manual", 0), ("reading", 1), ("cinema", 2), ("night", 3), ("living", 4))),
        }),
        ["Outlet"] = new("outlet", new Dictionary<string, AttributeMap> { [AliGenieAttributes.PowerState] = new("PowerSwitch", OnOff) }),
        ["WallSwitch"] = new("switch", new Dictionary<string, AttributeMap> { [AliGenieAttributes.PowerState] = new("PowerSwitch_1", OnOff) }),
        ["AirConditioning"] = new("aircondition", new Dictionary<string, AttributeMap>
        {
            [AliGenieAttributes.PowerState] = new("PowerSwitch", OnOff),
            ["temperature"] = new("TargetTemperature"),
            ["mode"] = new("WorkMode", Values(("auto", 0), ("cold", 1), ("heat", 2), ("wind", 3), ("dehumidification", 4))),
            ["windspeed"] = new("WindSpeed", Values(("auto", 0), ("low", 1), ("middle", 2), ("high", 3))),
        }),
        ["Curtain"] = new("curtain", new Dictionary<string, AttributeMap>
        {
            [AliGenieAttributes.PowerState] = new("CurtainOperation", Values(("on", 1), ("off", 0))),
            ["position"] = new("CurtainPosition"),
        }),
        ["TempHumiditySensor"] = new("sensor", new Dictionary<string, AttributeMap>
        {
            ["temperature"] = new("CurrentTemperature", QueryOnly: true),
            ["humidity"] = new("CurrentHumidity", QueryOnly: true),
        }),
    };

    /// <summary>The standard profile of a category, or null when the category has none.</summary>
    public static AliGenieProfile? For(string? categoryKey) => categoryKey is null ? null : ByCategory.GetValueOrDefault(categoryKey);

    public static IReadOnlyDictionary<string, JsonElement> Values(params (string Name, int Value)[] values) =>
        values.ToDictionary(v => v.Name, v => JsonSerializer.SerializeToElement(v.Value), StringComparer.Ordinal);
}
