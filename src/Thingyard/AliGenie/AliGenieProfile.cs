// How one product looks to AliGenie (Tmall Genie): its device type, and each AliGenie attribute with the thing-model
// property behind it and, for named values ("on", "cold"), the property value each stands for.
using System.Text.Json;

namespace Thingyard.AliGenie;

/// <summary>An AliGenie attribute backed by a property. <see cref="Values"/> maps AliGenie's value names to property
/// values (JSON); null passes numbers through. <see cref="QueryOnly"/>: read, never set (a sensor's temperature).</summary>
public sealed record AttributeMap(string Property, IReadOnlyDictionary<string, JsonElement>? Values = null, bool QueryOnly = false);

public sealed record AliGenieProfile(string DeviceType, IReadOnlyDictionary<string, AttributeMap> Attributes, string? Icon = null)
{
    /// <summary>The directives the device accepts, as discovery lists them: power on and off, set and adjust for numbers,
    /// set for named values, and the queries.</summary>
    public IReadOnlyList<string> Actions()
    {
        var actions = new List<string>();
        foreach (var (name, map) in Attributes)
        {
            var pascal = AliGenieAttributes.Pascal(name);
            if (!map.QueryOnly)
            {
                if (name == AliGenieAttributes.PowerState) actions.AddRange(["TurnOn", "TurnOff"]);
                else if (map.Values is null) actions.AddRange([$"Set{pascal}", $"AdjustUp{pascal}", $"AdjustDown{pascal}"]);
                else actions.Add($"Set{pascal}");
            }
            actions.Add($"Query{pascal}");
        }
        actions.Add("Query");
        return actions;
    }
}

/// <summary>The AliGenie attributes Thingyard maps, with the name their directives carry (SetColorTemperature,
/// QueryPowerState), and AliGenie's device types.</summary>
public static class AliGenieAttributes
{
    public const string PowerState = "powerstate";

    static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [PowerState] = "PowerState", ["brightness"] = "Brightness", ["colorTemperature"] = "ColorTemperature", ["temperature"] = "Temperature",
        ["mode"] = "Mode", ["windspeed"] = "WindSpeed", ["humidity"] = "Humidity", ["position"] = "Position",
    };

    public static IEnumerable<string> All => Names.Keys;

    public static bool IsKnown(string name) => Names.ContainsKey(name);

    public static string Pascal(string name) => Names[name];

    /// <summary>The attribute a directive's suffix names (Brightness → brightness), or null.</summary>
    public static string? FromPascal(string suffix) => Names.FirstOrDefault(n => n.Value == suffix).Key;

    /// <summary>AliGenie's smart-home device types (the deviceType of discovery).</summary>
    public static readonly IReadOnlySet<string> DeviceTypes = new HashSet<string>(StringComparer.Ordinal)
    {
        "light", "outlet", "switch", "curtain", "aircondition", "fan", "airpurifier", "humidifier", "dehumidifier", "heater", "television",
        "telecontroller", "sensor", "airmonitor", "waterheater", "kettle", "ricecooker", "oven", "fridge", "washmachine", "roboticvacuum",
        "window", "hanger", "smartgate", "camera", "doorlock", "bathheater", "ventilation", "scenepanel", "gateway",
    };
}
