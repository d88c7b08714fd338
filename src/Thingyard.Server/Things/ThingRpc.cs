// RPC actions that reach devices: property set and service invoke (one device or many), raw publish to a device
// topic or a product broadcast, RRPC, and a device's live subscriptions. Everything goes through ThingCommands,
// which checks input against the thing model before anything is sent.
using System.Globalization;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Connectivity;
using Thingyard.Protocol.Alink;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Server.Rpc;
using Thingyard.Protocol.Topics;

namespace Thingyard.Server.Things;

public static class ThingRpc
{
    /// <summary>The platform's code for MessageContent / RequestBase64Byte that do not decode.</summary>
    public const string NotBase64 = "iot.messagebroker.MessageContentIsNotBase64Encode";
    public const int MinRrpcTimeoutMs = 1000;
    public const int MaxRrpcTimeoutMs = 8000;

    public static RpcActions AddThingActions(this RpcActions actions) => actions
        .Add("SetDeviceProperty", SetDeviceProperty)
        .Add("SetDevicesProperty", SetDevicesProperty)
        .Add("InvokeThingService", InvokeThingService)
        .Add("InvokeThingsService", InvokeThingsService)
        .Add("Pub", Pub)
        .Add("PubBroadcast", PubBroadcast)
        .Add("RRpc", RRpc)
        .Add("QueryDeviceSubTopic", QueryDeviceSubTopic);

    /// <summary>The device named by IotId or ProductKey+DeviceName, in the caller's account only (a read-only copy).</summary>
    internal static Task<Device> DeviceOf(RpcCall c) => c.Service<DeviceCache>().GetAsync(c.Caller, c.Device(), c.Ct);

    /// <summary>The named device, if the caller may send to it (AccessRules.RequireOperate: a project granted with a viewer
    /// role may not).</summary>
    static async Task<Device> OperableDeviceOf(RpcCall c)
    {
        var device = await DeviceOf(c);
        c.Caller.RequireOperate(device);
        return device;
    }

    static ThingCommands Commands(RpcCall c) => c.Service<ThingCommands>();

    static async Task<object> SetDeviceProperty(RpcCall c)
    {
        var device = await OperableDeviceOf(c);
        var id = await Commands(c).SetPropertiesAsync(device, c.Required("Items"), c.Ct);
        return new { Data = new { MessageId = id } };
    }

    static async Task<object> InvokeThingService(RpcCall c)
    {
        var device = await OperableDeviceOf(c);
        var outcome = await Commands(c).InvokeServiceAsync(device, c.Required("Identifier"), c.Optional("Args") ?? "{}", c.Ct);
        // A sync call the device refused: its code and message ride along (Thingyard's addition; the SDK reads Result).
        if (outcome.Reply is { Code: not AlinkCodes.Ok } refused)
            return new { Data = new { outcome.MessageId, Result = refused.DataJson, refused.Code, refused.Message } };
        return new { Data = new { outcome.MessageId, Result = outcome.Reply?.DataJson } };
    }

    /// <summary>SetDevicesProperty: the SDK reads only Success. Every named device must exist (else nothing is sent) and
    /// the items must pass the model; devices that are offline or disabled are skipped. Data.Results (a Thingyard
    /// addition) says per device what happened.</summary>
    static async Task<object> SetDevicesProperty(RpcCall c)
    {
        var devices = await DevicesOf(c);
        var items = c.Required("Items");
        var results = new List<object>();
        foreach (var device in devices)
        {
            try { results.Add(Result(device, await Commands(c).SetPropertiesAsync(device, items, c.Ct), null)); }
            catch (IotException e) when (IsDeviceState(e)) { results.Add(Result(device, null, e)); }
        }
        return new { Data = new { Results = results } };
    }

    /// <summary>InvokeThingsService: as SetDevicesProperty, calling the devices at once (a sync service waits for all).</summary>
    static async Task<object> InvokeThingsService(RpcCall c)
    {
        var devices = await DevicesOf(c);
        var identifier = c.Required("Identifier");
        var args = c.Optional("Args") ?? "{}";
        var calls = devices.Select(async d =>
        {
            try { return (Device: d, Outcome: await Commands(c).InvokeServiceAsync(d, identifier, args, c.Ct), Error: (IotException?)null); }
            catch (IotException e) { return (Device: d, Outcome: (ServiceOutcome?)null, Error: e); }
        }).ToList();
        var done = await Task.WhenAll(calls);
        // Model and argument errors are the same for every device of the product, and nothing was sent.
        if (done.FirstOrDefault(x => x.Error is not null && !IsDeviceState(x.Error)).Error is { } invalid) throw invalid;
        return new
        {
            Data = new
            {
                Results = done.Select(x => x.Error is null
                    ? Result(x.Device, x.Outcome!.MessageId, null, x.Outcome.Reply?.DataJson)
                    : Result(x.Device, null, x.Error)).ToList(),
            },
        };
    }

    static bool IsDeviceState(IotException e) => e.Code is IotErrors.DeviceOffline or IotErrors.DeviceDisabled;

    static object Result(Device d, string? messageId, IotException? error, string? result = null) => new
    {
        d.ProductKey, d.DeviceName, d.IotId, MessageId = messageId, Result = result, Code = error?.Code, ErrorMessage = error?.Message,
    };

    /// <summary>ProductKey with DeviceName.N; an unknown (or another account's) name fails the whole call.</summary>
    static async Task<List<Device>> DevicesOf(RpcCall c)
    {
        var productKey = c.Required("ProductKey");
        var names = c.List("DeviceName");
        if (names.Count == 0) throw RpcGatewayException.Missing("DeviceName.1");
        var found = await c.Service<DeviceRegistry>().FindManyAsync(c.Caller, productKey, names, [], c.Ct);
        var byName = found.ToDictionary(d => d.DeviceName, StringComparer.Ordinal);
        var missing = names.FirstOrDefault(n => !byName.ContainsKey(n));
        if (missing is not null) throw IotException.DeviceNotFound($"{productKey}/{missing}");
        foreach (var d in found) c.Caller.RequireOperate(d);
        return names.Distinct(StringComparer.Ordinal).Select(n => byName[n]).ToList();
    }

    /// <summary>Pub: MessageContent (Base64, form body) to one topic of the device, QoS 0 or 1. The device is named by
    /// ProductKey+DeviceName, IotId, or else read from the topic itself. MQTT 5 extras (UserProp, ResponseTopic,
    /// CorrelationData) are accepted and not forwarded.</summary>
    static async Task<object> Pub(RpcCall c)
    {
        var topic = c.Required("TopicFullName");
        var payload = Base64(c, "MessageContent");
        var qos = c.Int("Qos") ?? 0;
        if (qos is not (0 or 1)) throw RpcGatewayException.Invalid("Qos", "must be 0 or 1");
        var device = c.Optional("IotId") is null && c.Optional("DeviceName") is null
            ? await c.Service<DeviceRegistry>().GetAsync(c.Caller, DeviceRef.Of(null, c.Required("ProductKey"), DeviceNameIn(topic, c.Required("ProductKey"))), c.Ct)
            : await OperableDeviceOf(c);
        c.Caller.RequireOperate(device);
        return new { MessageId = await Commands(c).PublishAsync(device, topic, payload, qos, c.Ct) };
    }

    /// <summary>The level after the ProductKey in a device topic (/pk/dn/user/..., /sys/pk/dn/...).</summary>
    static string DeviceNameIn(string topic, string productKey)
    {
        var levels = topic.Split('/');
        for (var i = 1; i < levels.Length - 1; i++)
            if (levels[i] == productKey && levels[i + 1].Length > 0) return levels[i + 1];
        throw RpcGatewayException.Missing("DeviceName");
    }

    /// <summary>PubBroadcast to /broadcast/{pk}/...: every connected device of the product subscribed to it receives it.</summary>
    static async Task<object> PubBroadcast(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var topic = c.Required("TopicFullName");
        var payload = Base64(c, "MessageContent");
        return new { MessageId = long.Parse(Commands(c).Broadcast(product, topic, payload), CultureInfo.InvariantCulture) };
    }

    /// <summary>RRpc: the decoded request to /sys/pk/dn/rrpc/request/{id} (or /ext/rrpc/{id}/{Topic}); the device's raw answer
    /// comes back Base64-encoded. OFFLINE, TIMEOUT and HALFCONN are outcomes (Success true), not errors.</summary>
    static async Task<object> RRpc(RpcCall c)
    {
        var device = await OperableDeviceOf(c);
        var request = Base64(c, "RequestBase64Byte");
        var timeout = c.Int("Timeout") ?? Math.Clamp(c.Service<MqttOptions>().SyncCallTimeoutMs, MinRrpcTimeoutMs, MaxRrpcTimeoutMs);
        if (timeout is < MinRrpcTimeoutMs or > MaxRrpcTimeoutMs)
            throw IotException.Invalid($"Timeout must be between {MinRrpcTimeoutMs} and {MaxRrpcTimeoutMs} ms.");
        var outcome = await Commands(c).RrpcAsync(device, request, timeout, c.Optional("Topic"), c.Ct);
        return new
        {
            MessageId = long.Parse(outcome.MessageId, CultureInfo.InvariantCulture),
            PayloadBase64Byte = outcome.Payload is null ? null : Convert.ToBase64String(outcome.Payload),
            RrpcCode = outcome.Code.ToString(),
        };
    }

    /// <summary>The topic filters the device is subscribed to right now (an empty list when it is offline); a sub-device's
    /// are those its gateway subscribed in its name.</summary>
    static async Task<object> QueryDeviceSubTopic(RpcCall c)
    {
        var device = await DeviceOf(c);
        var subscriptions = c.Service<DeviceSessions>().Route(device.Id) is { } session
            ? session.SubscriptionsOf(device.Id, device.ProductKey, device.DeviceName)
            : await c.Service<Downlink>().FindAsync(device.Id) is { Remote: { } remote }
                ? await c.Service<IClusterSessions>().SubscriptionsAsync(remote, device.Id, device.ProductKey, device.DeviceName)
                : [];
        return new { TopicList = subscriptions.Select(s => new { TopicName = s.Key, Timestamp = s.Value }).ToList() };
    }

    /// <summary>Base64 text from a form or query (a '+' that arrived as a space is put back), at most one MQTT payload.</summary>
    static byte[] Base64(RpcCall c, string name)
    {
        var text = c.Required(name).Replace(' ', '+');
        byte[] bytes;
        try { bytes = Convert.FromBase64String(text); }
        catch (FormatException) { throw new IotException(NotBase64, $"{name} is not Base64-encoded."); }
        var max = c.Service<MqttOptions>().MaxPayloadBytes;
        if (bytes.Length > max) throw IotException.Invalid($"{name} decodes to {bytes.Length} bytes; a message holds at most {max}.");
        return bytes;
    }
}
