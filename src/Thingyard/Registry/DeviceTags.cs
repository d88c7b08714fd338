// Device tags ("Props"): a JSON object of string values saved, read and deleted per device.
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed partial class DeviceTags(ThingyardDb db)
{
    public const int MaxTagsPerDevice = 100;

    [GeneratedRegex(@"^[A-Za-z0-9_.\-]{1,30}$")]
    private static partial Regex KeyPattern();

    /// <summary>Parses the Props JSON ({"k":"v",...}); every key and value is checked before anything is written.</summary>
    public static Dictionary<string, string> ParseProps(string json)
    {
        Dictionary<string, JsonElement>? raw;
        try { raw = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json); }
        catch (JsonException e) { throw new IotException(IotErrors.InvalidProps, $"Props is not a JSON object: {e.Message}"); }
        if (raw is null || raw.Count == 0) throw new IotException(IotErrors.InvalidProps, "Props must be a non-empty JSON object.");
        var props = new Dictionary<string, string>();
        foreach (var (key, value) in raw)
        {
            CheckKey(key);
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString()!,
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                _ => throw new IotException(IotErrors.InvalidProps, $"Props value of '{key}' must be a string or number."),
            };
            if (text.Length is 0 or > 128) throw new IotException(IotErrors.InvalidProps, $"Props value of '{key}' must be 1 to 128 characters.");
            props[key] = text;
        }
        return props;
    }

    public static void CheckKey(string key)
    {
        if (!KeyPattern().IsMatch(key))
            throw new IotException(IotErrors.InvalidProps, $"Tag key '{key}' is invalid: use 1 to 30 characters from letters, digits and _ . -");
    }

    public async Task SaveAsync(Device device, IReadOnlyDictionary<string, string> props, CancellationToken ct = default)
    {
        var existing = await db.DeviceTags.Where(t => t.DeviceId == device.Id).ToDictionaryAsync(t => t.Key, ct);
        var newKeys = props.Keys.Count(k => !existing.ContainsKey(k));
        if (existing.Count + newKeys > MaxTagsPerDevice)
            throw new IotException(IotErrors.TooManyProps, $"A device has at most {MaxTagsPerDevice} tags.");
        foreach (var (key, value) in props)
        {
            if (existing.TryGetValue(key, out var tag)) tag.Value = value;
            else db.DeviceTags.Add(new DeviceTag { DeviceId = device.Id, Key = key, Value = value });
        }
        await db.SaveChangesAsync(ct);
    }

    public Task<Dictionary<string, string>> GetAsync(Device device, CancellationToken ct = default) =>
        db.DeviceTags.Where(t => t.DeviceId == device.Id).OrderBy(t => t.Key).ToDictionaryAsync(t => t.Key, t => t.Value, ct);

    public Task<int> DeleteAsync(Device device, string key, CancellationToken ct = default) =>
        db.DeviceTags.Where(t => t.DeviceId == device.Id && t.Key == key).ExecuteDeleteAsync(ct);

    public async Task<(List<Device> Devices, int Total)> FindDevicesAsync(Caller caller, string key, string? value, Paging paging, CancellationToken ct = default)
    {
        var query = db.DeviceTags.Where(t => t.Key == key && (value == null || t.Value == value))
            .Join(db.Devices.VisibleTo(caller), t => t.DeviceId, d => d.Id, (t, d) => d);
        return (await query.OrderBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct), await query.CountAsync(ct));
    }
}
