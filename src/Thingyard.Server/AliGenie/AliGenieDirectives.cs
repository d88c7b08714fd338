// What the gateway does for an end user: discovery of the devices bound to them in their project, control (the mapped
// property set through ThingCommands, never sent to an offline device), and queries of the latest reported values.
// A device not bound to the end user (not theirs, a pending invitation, another project) does not exist for them.
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Thingyard.AliGenie;
using Thingyard.Common;
using Thingyard.EndUsers;
using Thingyard.Protocol.Tsl;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Things;
using Thingyard.Storage;
using Thingyard.Telemetry;

namespace Thingyard.Server.AliGenie;

public sealed class AliGenieDirectives(ThingyardDb db, IDbContextFactory<ThingyardDb> dbs, ModelCache models, ThingCommands commands,
    Downlink downlink, AliGenieMappings mappings, EndUserDevices devices, ILogger<AliGenieDirectives> log)
{
    sealed record Bound(Device Device, Product Product, DeviceBinding Binding, ThingModel Model, AliGenieProfile? Profile);

    public async Task<JsonObject> DiscoverAsync(EndUser user, CancellationToken ct)
    {
        var brand = await db.Projects.Where(p => p.Id == user.ProjectId).Select(p => p.Name).FirstAsync(ct);
        var devices = new JsonArray();
        foreach (var b in await BoundAsync(user, null, ct))
        {
            if (b.Profile is null) continue;
            var actions = new JsonArray(b.Profile.Actions().Select(a => (JsonNode)a!).ToArray());
            devices.Add(new JsonObject
            {
                ["deviceId"] = b.Device.IotId,
                ["deviceName"] = b.Binding.Nickname ?? b.Device.Nickname ?? b.Device.DeviceName,
                ["deviceType"] = b.Profile.DeviceType,
                ["zone"] = b.Binding.Room ?? "",
                ["brand"] = brand,
                ["model"] = b.Product.Name,
                ["icon"] = b.Profile.Icon ?? "",
                ["properties"] = await PropertiesAsync(b, b.Profile.Attributes.Keys, ct),
                ["actions"] = actions,
                ["extensions"] = new JsonObject { ["productKey"] = b.Device.ProductKey, ["deviceName"] = b.Device.DeviceName },
            });
        }
        return new JsonObject { ["devices"] = devices };
    }

    public async Task ControlAsync(EndUser user, string name, JsonElement payload, CancellationToken ct)
    {
        var (attribute, value, sign, step) = ControlOf(name, payload);
        var b = await OneAsync(user, payload, ct);
        if (!b.Profile!.Attributes.TryGetValue(attribute, out var map) || map.QueryOnly)
            throw new AliGenieException(AliGenieErrors.NotSupported, $"The device does not support {name}.");
        var property = b.Model.Property(map.Property)!;
        await RequireOnlineAsync(b.Device);
        JsonElement target;
        if (sign == 0) target = AliGenieValues.ToProperty(map, property, value!.Value);
        else
        {
            if (map.Values is not null) throw new AliGenieException(AliGenieErrors.NotSupported, $"{attribute} has named values; it cannot be adjusted.");
            var latest = (await LatestAsync(b.Device, ct)).GetValueOrDefault(property.Identifier);
            target = AliGenieValues.Adjust(property, latest, sign * (step ?? AliGenieValues.DefaultStep(property)));
        }
        var items = new JsonObject { [property.Identifier] = JsonNode.Parse(target.GetRawText()) };
        try { await commands.SetPropertiesAsync(b.Device, items.ToJsonString(), ct); }
        catch (IotException e) when (e.Code == IotErrors.InvalidValue) { throw new AliGenieException(AliGenieErrors.InvalidParams, e.Message); }
        catch (IotException e) when (e.Code == IotErrors.DeviceOffline) { throw new AliGenieException(AliGenieErrors.Offline, e.Message); }
    }

    /// <summary>Query answers every mapped attribute; Query&lt;Attribute&gt; (QueryPowerState, QueryBrightness) one.</summary>
    public async Task<JsonArray> QueryAsync(EndUser user, string name, JsonElement payload, CancellationToken ct)
    {
        string? attribute = null;
        if (name != "Query")
            attribute = name.StartsWith("Query", StringComparison.Ordinal) ? AliGenieAttributes.FromPascal(name["Query".Length..]) : null;
        if (name != "Query" && attribute is null) throw new AliGenieException(AliGenieErrors.InvalidDirective, $"Unknown query '{name}'.");
        var b = await OneAsync(user, payload, ct);
        if (attribute is not null && !b.Profile!.Attributes.ContainsKey(attribute))
            throw new AliGenieException(AliGenieErrors.NotSupported, $"The device does not support {name}.");
        await RequireOnlineAsync(b.Device);
        return await PropertiesAsync(b, attribute is null ? b.Profile!.Attributes.Keys : [attribute], ct);
    }

    /// <summary>(attribute, value) of a Turn/Set directive (sign 0), or the attribute, the direction and the step (null:
    /// the default) of an Adjust one.</summary>
    static (string Attribute, JsonElement? Value, int Sign, double? Step) ControlOf(string name, JsonElement payload)
    {
        var value = payload.TryGetProperty("value", out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number ? v : (JsonElement?)null;
        if (name is "TurnOn" or "TurnOff")
            return (AliGenieAttributes.PowerState, JsonSerializer.SerializeToElement(name == "TurnOn" ? "on" : "off"), 0, null);
        foreach (var (prefix, sign) in new[] { ("AdjustUp", 1), ("AdjustDown", -1), ("Set", 0) })
        {
            if (!name.StartsWith(prefix, StringComparison.Ordinal) || AliGenieAttributes.FromPascal(name[prefix.Length..]) is not { } attribute) continue;
            if (sign == 0) return (attribute, value ?? throw new AliGenieException(AliGenieErrors.InvalidParams, $"{name} needs a value."), 0, null);
            double step = 0;
            if (value is { } given && !double.TryParse(given.ValueKind == JsonValueKind.String ? given.GetString() : given.GetRawText(),
                    System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out step))
                throw new AliGenieException(AliGenieErrors.InvalidParams, $"{name}: the value is not a number.");
            return (attribute, null, sign, value is null ? null : Math.Abs(step));
        }
        throw new AliGenieException(AliGenieErrors.InvalidDirective, $"Unknown control directive '{name}'.");
    }

    async Task<Bound> OneAsync(EndUser user, JsonElement payload, CancellationToken ct)
    {
        var iotId = payload.TryGetProperty("deviceId", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        if (string.IsNullOrEmpty(iotId)) throw new AliGenieException(AliGenieErrors.InvalidParams, "payload.deviceId is missing.");
        var b = (await BoundAsync(user, iotId, ct)).FirstOrDefault() ?? throw new AliGenieException(AliGenieErrors.NoSuchDevice, "The device does not exist.");
        return b.Profile is null ? throw new AliGenieException(AliGenieErrors.NotSupported, "The device has no AliGenie mapping.") : b;
    }

    /// <summary>The end user's devices (accepted bindings only, as the app has them), or the one with <paramref name="iotId"/>.</summary>
    async Task<List<Bound>> BoundAsync(EndUser user, string? iotId, CancellationToken ct)
    {
        var rows = (iotId is null ? (await devices.ListAsync(user, ct)).Devices
            : await devices.FindAsync(user, iotId, ct) is { Binding.Pending: false } one ? [one] : [])
            .Select(x => new { b = x.Binding, d = x.Device, p = x.Product }).ToList();
        var overrides = await mappings.JsonByProductAsync(rows.Select(r => r.p.Id).Distinct().ToList(), ct);
        var bound = new List<Bound>();
        foreach (var r in rows)
        {
            var model = await models.GetAsync(r.p.Id);
            AliGenieMappingRules.Override? over = null;
            if (overrides.TryGetValue(r.p.Id, out var json))
            {
                // A stored override the model has since outgrown (a property removed) falls back to the standard mapping.
                try { over = AliGenieMappingRules.Parse(json, model); }
                catch (IotException e) { log.LogWarning("AliGenie mapping of product {ProductKey} no longer fits its thing model: {Reason}", r.p.ProductKey, e.Message); }
            }
            bound.Add(new Bound(r.d, r.p, r.b, model, AliGenieMappingRules.Effective(r.p.CategoryKey, model, over)));
        }
        return bound;
    }

    async Task<JsonArray> PropertiesAsync(Bound b, IEnumerable<string> attributes, CancellationToken ct)
    {
        var latest = await LatestAsync(b.Device, ct);
        var list = new JsonArray();
        foreach (var name in attributes)
            if (latest.TryGetValue(b.Profile!.Attributes[name].Property, out var value))
                list.Add(new JsonObject { ["name"] = name, ["value"] = AliGenieValues.ToAliGenie(b.Profile.Attributes[name], value) });
        return list;
    }

    async Task<Dictionary<string, JsonElement>> LatestAsync(Device device, CancellationToken ct) =>
        (await new TelemetryQueries(dbs).LatestAsync(device.Id, ct)).ToDictionary(p => p.Identifier, p => JsonDocument.Parse(p.Value).RootElement, StringComparer.Ordinal);

    async Task RequireOnlineAsync(Device device)
    {
        if (device.Status == DeviceStatus.Disabled || await downlink.FindAsync(device.Id) is null)
            throw new AliGenieException(AliGenieErrors.Offline, "The device is offline.");
    }
}
