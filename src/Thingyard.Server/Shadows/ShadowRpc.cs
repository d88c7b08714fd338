// RPC actions for device shadows: read the whole document, and set the desired state (which is pushed to the
// device as a "control" message on /shadow/get/{pk}/{dn} when it is connected).
using System.Text.Json;
using System.Text.Json.Nodes;
using Thingyard.Common;
using Thingyard.Server.Rpc;
using Thingyard.Server.Things;
using Thingyard.Telemetry;

namespace Thingyard.Server.Shadows;

public static class ShadowRpc
{
    public static RpcActions AddShadowActions(this RpcActions actions) => actions
        .Add("GetDeviceShadow", GetDeviceShadow)
        .Add("UpdateDeviceShadow", UpdateDeviceShadow);

    /// <summary>ShadowMessage at the top level: {"state":{"reported","desired"},"metadata":{..},"timestamp":s,"version":N} as a string.</summary>
    static async Task<object> GetDeviceShadow(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var document = await c.Service<ShadowStore>().GetAsync(device.Id, c.Ct);
        return new { ShadowMessage = document.ToJsonString() };
    }

    /// <summary>ShadowMessage {"method":"update","state":{"desired":{..}},"version":N}. DeltaUpdate=true merges into the desired
    /// state (a key set to "null" removes it); otherwise (the default) the given desired state replaces it.
    /// A version not newer than the shadow's is iot.shadow.VersionConflict.</summary>
    static async Task<object> UpdateDeviceShadow(RpcCall c)
    {
        var device = await ThingRpc.DeviceOf(c);
        var message = ParseMessage(c.Required("ShadowMessage"));
        var method = message["method"] is JsonValue m && m.TryGetValue<string>(out var name) ? name : null;
        if (method != "update") throw Invalid("method must be \"update\"");
        if (message["state"] is not JsonObject state) throw Invalid("state must be an object");
        if (state.ContainsKey("reported")) throw Invalid("state.reported is set by the device; applications set state.desired");
        if (!state.TryGetPropertyValue("desired", out var desired)) throw Invalid("state.desired is missing");
        long? version = null;
        if (message["version"] is { } v)
            version = v is JsonValue value && value.TryGetValue<long>(out var n) ? n : throw Invalid("version must be a number");

        JsonObject document;
        try
        {
            document = await c.Service<ShadowStore>().ChangeAsync(device.Id, "desired", desired, version, replace: c.Bool("DeltaUpdate") != true, c.Ct);
        }
        catch (ShadowException e) when (e.Code == 409) { throw new IotException(IotErrors.ShadowVersionConflict, e.Message); }
        catch (ShadowException e) { throw new IotException(IotErrors.InvalidShadow, e.Message); }
        c.Service<ShadowMessages>().PushControl(device.Id, device.ProductKey, device.DeviceName, document);
        return new { };
    }

    static JsonObject ParseMessage(string json)
    {
        try
        {
            if (JsonNode.Parse(json) is JsonObject o) return o;
        }
        catch (JsonException) { }
        throw Invalid("ShadowMessage must be a JSON object");
    }

    static IotException Invalid(string why) => new(IotErrors.InvalidShadow, "ShadowMessage: " + why + ".");
}
