// A product's mapping override: its JSON read and checked against the product's thing model, and the effective
// profile (standard mapping by category, properties named like an attribute, then the override on top).
using System.Text.Json;
using Thingyard.Common;
using Thingyard.Protocol.Tsl;

namespace Thingyard.AliGenie;

public static class AliGenieMappingRules
{
    public const string InvalidMapping = "iot.aligenie.InvalidMapping";

    /// <summary>The override as parsed: null attributes remove a standard attribute.</summary>
    public sealed record Override(string? DeviceType, string? Icon, IReadOnlyDictionary<string, AttributeMap?> Attributes);

    /// <summary>Reads and checks an override against the model: a known device type, known attributes, properties in
    /// the model (writable unless queryOnly), values the property accepts. Every problem is named in one message.</summary>
    public static Override Parse(string json, ThingModel model)
    {
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement; }
        catch (JsonException e) { throw Invalid($"Mapping is not JSON: {e.Message}"); }
        if (root.ValueKind != JsonValueKind.Object) throw Invalid("Mapping is a JSON object: {\"deviceType\": ..., \"attributes\": {...}}.");
        var errors = new List<string>();
        string? deviceType = null, icon = null;
        var attributes = new Dictionary<string, AttributeMap?>(StringComparer.Ordinal);
        foreach (var field in root.EnumerateObject())
        {
            switch (field.Name)
            {
                case "deviceType":
                    deviceType = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
                    if (deviceType is null || !AliGenieAttributes.DeviceTypes.Contains(deviceType))
                        errors.Add($"deviceType: {field.Value} is not an AliGenie device type ({string.Join(", ", AliGenieAttributes.DeviceTypes.Order())})");
                    break;
                case "icon":
                    icon = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString() : null;
                    if (icon is null || icon.Length > 500 || !Uri.TryCreate(icon, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
                        errors.Add("icon: an http(s) URL of at most 500 characters");
                    break;
                case "attributes" when field.Value.ValueKind == JsonValueKind.Object:
                    foreach (var a in field.Value.EnumerateObject()) attributes[a.Name] = Attribute(a, model, errors);
                    break;
                case "attributes":
                    errors.Add("attributes: an object of attribute name → {\"property\": ..., \"values\": {...}} (or null to drop one)");
                    break;
                default:
                    errors.Add($"{field.Name}: unknown field (deviceType, icon, attributes)");
                    break;
            }
        }
        if (errors.Count > 0) throw Invalid(string.Join("; ", errors));
        return new Override(deviceType, icon, attributes);
    }

    static AttributeMap? Attribute(JsonProperty a, ThingModel model, List<string> errors)
    {
        var path = $"attributes.{a.Name}";
        if (!AliGenieAttributes.IsKnown(a.Name))
        {
            errors.Add($"{path}: unknown attribute ({string.Join(", ", AliGenieAttributes.All)})");
            return null;
        }
        if (a.Value.ValueKind == JsonValueKind.Null) return null;
        if (a.Value.ValueKind != JsonValueKind.Object || !a.Value.TryGetProperty("property", out var p) || p.ValueKind != JsonValueKind.String)
        {
            errors.Add($"{path}: an object with \"property\" (an identifier of the thing model)");
            return null;
        }
        var queryOnly = a.Value.TryGetProperty("queryOnly", out var q) && q.ValueKind == JsonValueKind.True;
        var property = model.Property(p.GetString()!);
        if (property is null)
        {
            errors.Add($"{path}.property: '{p.GetString()}' is not a property of the product's thing model");
            return null;
        }
        if (!property.Writable && !queryOnly) errors.Add($"{path}.property: '{property.Identifier}' is read-only; map it with \"queryOnly\": true");
        Dictionary<string, JsonElement>? values = null;
        if (a.Value.TryGetProperty("values", out var v) && v.ValueKind != JsonValueKind.Null)
        {
            if (v.ValueKind != JsonValueKind.Object) errors.Add($"{path}.values: an object of AliGenie value → property value");
            else
            {
                values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var value in v.EnumerateObject())
                {
                    if (TslValueChecker.Check(property.DataType, value.Value, $"{path}.values.{value.Name}") is { } error) errors.Add(error);
                    values[value.Name] = value.Value.Clone();
                }
            }
        }
        foreach (var extra in a.Value.EnumerateObject().Where(f => f.Name is not ("property" or "values" or "queryOnly")))
            errors.Add($"{path}.{extra.Name}: unknown field (property, values, queryOnly)");
        if (values is null && property.DataType.Type is TslTypes.Bool or TslTypes.Enum && !queryOnly)
            errors.Add($"{path}.values: '{property.Identifier}' is {property.DataType.Type}; name its values (e.g. {{\"on\": 1, \"off\": 0}})");
        return new AttributeMap(property.Identifier, values, queryOnly);
    }

    /// <summary>The profile a product shows AliGenie, or null when it has no device type (no standard category and
    /// no override naming one): such devices are not discovered.</summary>
    public static AliGenieProfile? Effective(string? categoryKey, ThingModel model, Override? over)
    {
        var standard = AliGenieStandardMap.For(categoryKey);
        var deviceType = over?.DeviceType ?? standard?.DeviceType;
        if (deviceType is null) return null;
        var attributes = new Dictionary<string, AttributeMap>(StringComparer.Ordinal);
        if (standard is not null)
            foreach (var (name, map) in standard.Attributes)
                attributes[name] = map;
        foreach (var name in AliGenieAttributes.All.Where(n => !attributes.ContainsKey(n)))
            if (model.Properties.FirstOrDefault(p => string.Equals(p.Identifier, name, StringComparison.OrdinalIgnoreCase)) is { } named)
                attributes[name] = new AttributeMap(named.Identifier,
                    named.DataType.Type == TslTypes.Bool ? AliGenieStandardMap.Values(("on", 1), ("off", 0)) : null, !named.Writable);
        if (over is not null)
            foreach (var (name, map) in over.Attributes)
                if (map is null) attributes.Remove(name);
                else attributes[name] = map;
        // A standard attribute whose property the product's model does not have (or no longer has) is left out.
        foreach (var name in attributes.Keys.ToList())
            if (model.Property(attributes[name].Property) is null) attributes.Remove(name);
        return new AliGenieProfile(deviceType, attributes, over?.Icon);
    }

    static IotException Invalid(string message) => new(InvalidMapping, message);
}
