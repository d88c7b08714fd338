// Device-facing shadow traffic on /shadow/update/{pk}/{dn} (get, update, delete of reported state) with answers and
// control pushes on /shadow/get/{pk}/{dn}, in the payload shape the official SDKs read. Every answer echoes the
// request's top-level clientToken (the C SDK 3.x matches replies by it); an update answer carries only status and
// version, as documented (the C SDK 4.x takes any reply with "state" for a get reply).
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Thingyard.Server.Connectivity;
using Thingyard.Telemetry;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Shadows;

public sealed class ShadowMessages(ShadowStore store, Downlink downlink, TimeProvider time)
{
    public static string GetTopic(string pk, string dn) => $"/shadow/get/{pk}/{dn}";

    public async Task HandleAsync(Uplink u)
    {
        var topic = GetTopic(u.Device.ProductKey, u.Device.DeviceName);
        var raw = u.Payload.ToArray();
        var text = Utf8Payload.IsValid(u.Payload);
        var request = text ? LenientJson.ParseObject(raw) : null;
        if (request is null)
        {
            var error = Error(400, "payload is not a UTF-8 JSON object");
            if (text && LenientJson.ClientToken(raw) is { } found) error["clientToken"] = found;
            Send(u, topic, error);
            return;
        }
        var token = request["clientToken"]?.DeepClone();
        void Answer(JsonObject reply)
        {
            if (token is not null) reply["clientToken"] = token;
            Send(u, topic, reply);
        }
        var method = (request["method"] as JsonValue)?.TryGetValue<string>(out var m) == true ? m : null;
        try
        {
            switch (method)
            {
                case "get":
                    Answer(Reply(await store.GetAsync(u.Device.DeviceId)));
                    break;
                case "update":
                case "delete":
                    var state = request["state"] as JsonObject ?? throw new ShadowException(402, "state is missing");
                    long? version = request["version"] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;
                    if (request["version"] is not null && version is null) throw new ShadowException(403, "version must be a number");
                    JsonObject doc = null!;
                    foreach (var section in new[] { "reported", "desired" })
                    {
                        if (!state.ContainsKey(section)) continue;
                        var change = state[section];
                        if (method == "delete" && change is JsonObject keys)
                        {
                            // delete names keys; any value means "remove it"
                            var nulls = new JsonObject();
                            foreach (var (key, _) in keys) nulls[key] = "null";
                            change = nulls;
                        }
                        // A device may only clear desired state once it has acted on it ("desired":"null", or keys set to "null").
                        if (method == "update" && section == "desired" && !ClearsOnly(change))
                            throw new ShadowException(406, "devices report state; desired state is set by applications (a device may only clear it)");
                        doc = await store.ChangeAsync(u.Device.DeviceId, section, change, version, replace: false);
                        version = null;
                    }
                    if (doc is null) throw new ShadowException(method == "update" ? 404 : 402, method == "update" ? "state.reported is missing" : "state names nothing to delete");
                    Answer(Updated(doc["version"]!));
                    break;
                default:
                    throw new ShadowException(method is null ? 401 : 406, method is null ? "method is missing" : $"unknown method {method}");
            }
        }
        catch (ShadowException e) { Answer(Error(e.Code, e.Message)); }
    }

    static bool ClearsOnly(JsonNode? change) =>
        ShadowStore.IsNull(change) || (change is JsonObject keys && keys.Count > 0 && keys.All(k => ShadowStore.IsNull(k.Value)));

    /// <summary>Application changed the desired state: push "control" to the device wherever it is connected.</summary>
    public void PushControl(long deviceId, string pk, string dn, JsonObject document)
    {
        var payload = new JsonObject
        {
            ["method"] = "control",
            ["payload"] = new JsonObject
            {
                ["status"] = "success",
                ["state"] = document["state"]!.DeepClone(),
                ["metadata"] = document["metadata"]!.DeepClone(),
            },
            ["version"] = document["version"]!.DeepClone(),
            ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds(),
        };
        _ = downlink.SendToDeviceAsync(deviceId, GetTopic(pk, dn), Encoding.UTF8.GetBytes(payload.ToJsonString())).AsTask();
    }

    void Send(Uplink u, string topic, JsonObject payload) => downlink.Send(u.Session, u.Device.DeviceId, topic, Encoding.UTF8.GetBytes(payload.ToJsonString()));

    JsonObject Updated(JsonNode version) => new()
    {
        ["method"] = "reply",
        ["payload"] = new JsonObject { ["status"] = "success", ["version"] = version.DeepClone() },
        ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds(),
        ["version"] = version.DeepClone(),
    };

    JsonObject Reply(JsonObject document)
    {
        var version = document["version"]!.DeepClone();
        return new JsonObject
        {
            ["method"] = "reply",
            ["payload"] = new JsonObject
            {
                ["status"] = "success",
                ["state"] = document["state"]!.DeepClone(),
                ["metadata"] = document["metadata"]!.DeepClone(),
                ["version"] = version.DeepClone(),
            },
            ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds(),
            ["version"] = version,
        };
    }

    JsonObject Error(int code, string message) => new()
    {
        ["method"] = "reply",
        ["payload"] = new JsonObject
        {
            ["status"] = "error",
            ["content"] = new JsonObject { ["errorcode"] = code.ToString(System.Globalization.CultureInfo.InvariantCulture), ["errormessage"] = message },
        },
        ["timestamp"] = time.GetUtcNow().ToUnixTimeSeconds(),
    };
}
