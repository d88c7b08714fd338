// Cloud-initiated operations on a device: property set, service invoke (sync over RRPC, async with a later reply),
// raw RRPC, and publishing to a device topic. Input is checked against the thing model before anything is sent.
using System.Text;
using System.Text.Json;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Telemetry;
using Thingyard.ThingModels;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Topics;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Things;

public sealed record ServiceOutcome(string MessageId, DeviceReply? Reply);

public enum RrpcCode { SUCCESS, TIMEOUT, OFFLINE, HALFCONN, UNKNOWN }

public sealed record RrpcOutcome(string MessageId, RrpcCode Code, byte[]? Payload);

public sealed class ThingCommands(ModelCache models, Downlink downlink, DeviceSessions sessions, IClusterSessions cluster, TelemetryPipeline telemetry,
    MqttOptions mqtt, Scripts.ScriptRunner scripts, Thingyard.Topics.TopicClassDirectory topicClasses, TimeProvider time)
{
    /// <summary>thing.service.property.set: the items must be writable properties with values the model accepts.</summary>
    public async Task<string> SetPropertiesAsync(Device device, string itemsJson, CancellationToken ct = default)
    {
        var items = ParseObject(itemsJson, "Items");
        var model = await models.GetAsync(device.ProductId);
        // Every problem is reported; the code is the first problem's (unknown identifier, read-only, bad value).
        var errors = new List<(string Code, string Message)>();
        foreach (var p in items.RootElement.EnumerateObject())
        {
            var property = model.Property(p.Name);
            if (property is null) errors.Add((IotErrors.TslFeatureNotFound, $"{p.Name}: no such property in the thing model"));
            else if (!property.Writable) errors.Add((IotErrors.PropertyNotWritable, $"{p.Name}: the property is read-only"));
            else if (TslValueChecker.Check(property.DataType, p.Value, p.Name) is { } e) errors.Add((IotErrors.InvalidValue, e));
        }
        if (!items.RootElement.EnumerateObject().Any()) errors.Add((IotErrors.InvalidParameter, "Items: no property values"));
        if (errors.Count > 0) throw new IotException(errors[0].Code, string.Join("; ", errors.Select(e => e.Message)));
        await EnsureOnlineAsync(device);
        var id = downlink.NextId();
        var payload = AlinkReply.Request(id, "thing.service.property.set", w => items.RootElement.WriteTo(w));
        if (await RawAsync(device, payload) is { } raw) await SendAsync(device, RawTopic(device), raw);
        else await SendAsync(device, $"/sys/{device.ProductKey}/{device.DeviceName}/thing/service/property/set", payload);
        return id;
    }

    /// <summary>Invokes a service: sync services go over RRPC and wait for the answer; async ones return the message id.</summary>
    public async Task<ServiceOutcome> InvokeServiceAsync(Device device, string identifier, string argsJson, CancellationToken ct = default)
    {
        var args = ParseObject(string.IsNullOrWhiteSpace(argsJson) ? "{}" : argsJson, "Args");
        var model = await models.GetAsync(device.ProductId);
        var service = model.Service(identifier) ?? throw new IotException(IotErrors.TslFeatureNotFound, $"The service '{identifier}' is not in the thing model.");
        if (TslValueChecker.CheckParams(service.InputData, args.RootElement, identifier) is { } error)
            throw new IotException(IotErrors.InvalidValue, error);
        var route = await EnsureOnlineAsync(device);
        var id = downlink.NextId();
        var method = $"thing.service.{identifier}";
        var payload = AlinkReply.Request(id, method, w => args.RootElement.WriteTo(w));
        // A custom-format device gets the call as bytes on down_raw and answers on down_raw_reply, sync or not.
        var raw = await RawAsync(device, payload);
        await telemetry.WriteAsync(TelemetryEntry.ServiceCall(device.Id, identifier, id, time.GetUtcNow().ToUnixTimeMilliseconds(), args.RootElement.GetRawText()), ct);
        if (raw is not null)
        {
            if (service.CallType != "sync")
            {
                await SendAsync(device, RawTopic(device), raw);
                return new ServiceOutcome(id, null);
            }
            var answer = downlink.ExpectReply(device.Id, id, TimeSpan.FromMilliseconds(mqtt.SyncCallTimeoutMs));
            await SendAsync(device, RawTopic(device), raw, waitingFor: id);
            try { return new ServiceOutcome(id, await answer.WaitAsync(ct)); }
            catch (TimeoutException) { throw new IotException(IotErrors.DeviceOffline, $"The device did not answer the call to '{identifier}' within {mqtt.SyncCallTimeoutMs} ms."); }
        }
        if (service.CallType != "sync")
        {
            await SendAsync(device, $"/sys/{device.ProductKey}/{device.DeviceName}/thing/service/{identifier}", payload);
            return new ServiceOutcome(id, null);
        }
        var wait = downlink.ExpectReply(device.Id, "rrpc:" + id, TimeSpan.FromMilliseconds(mqtt.SyncCallTimeoutMs));
        // The connection's client id chose the form: ext RRPC wraps the service topic, and the answer comes back on it.
        var topic = route.ExtRrpc
            ? $"/ext/rrpc/{id}/sys/{device.ProductKey}/{device.DeviceName}/thing/service/{identifier}"
            : $"/sys/{device.ProductKey}/{device.DeviceName}/rrpc/request/{id}";
        await SendAsync(device, topic, payload, waitingFor: "rrpc:" + id);
        try { return new ServiceOutcome(id, await wait.WaitAsync(ct)); }
        catch (TimeoutException) { throw new IotException(IotErrors.DeviceOffline, $"The device did not answer the call to '{identifier}' within {mqtt.SyncCallTimeoutMs} ms."); }
    }

    /// <summary>RRpc: a raw request on /sys/pk/dn/rrpc/request/{id} (or a custom /ext/rrpc topic) and the device's raw answer.</summary>
    public async Task<RrpcOutcome> RrpcAsync(Device device, byte[] request, int timeoutMs, string? topic, CancellationToken ct = default)
    {
        var id = downlink.NextId();
        if (await downlink.FindAsync(device.Id) is null) return new RrpcOutcome(id, RrpcCode.OFFLINE, null);
        string requestTopic;
        if (string.IsNullOrEmpty(topic)) requestTopic = $"/sys/{device.ProductKey}/{device.DeviceName}/rrpc/request/{id}";
        else
        {
            var original = topic.StartsWith('/') ? topic : "/" + topic;
            if (!DeviceTopicAcl.For(device).Contains(original)) throw new IotException(IotErrors.InvalidTopic, $"'{topic}' is not a topic of this device.");
            requestTopic = $"/ext/rrpc/{id}{original}";
        }
        var wait = downlink.ExpectReply(device.Id, "rrpc:" + id, TimeSpan.FromMilliseconds(timeoutMs));
        if (!await downlink.SendToDeviceAsync(device.Id, requestTopic, request, replyKey: "rrpc:" + id))
        {
            downlink.Forget(device.Id, "rrpc:" + id);
            return new RrpcOutcome(id, RrpcCode.HALFCONN, null);
        }
        try { return new RrpcOutcome(id, RrpcCode.SUCCESS, (await wait.WaitAsync(ct)).RawPayload); }
        catch (TimeoutException) { return new RrpcOutcome(id, RrpcCode.TIMEOUT, null); }
    }

    /// <summary>Pub: a message to one of the device's topics. QoS 0 or 1; the device must be subscribed to receive it. A
    /// custom topic (/pk/dn/user/...) must be one a SUB or ALL topic class of the product lets the device subscribe to.</summary>
    public async Task<string> PublishAsync(Device device, string topic, byte[] payload, int qos, CancellationToken ct = default)
    {
        if (!DeviceTopicAcl.For(device).Contains(topic)) throw new IotException(IotErrors.InvalidTopic, $"'{topic}' is not a topic of device {device.DeviceName}.");
        if (TopicClassSet.UserSuffix(topic, device.ProductKey, device.DeviceName) is >= 0 and var at
            && !(await topicClasses.ForProductAsync(device.ProductId, ct)).MaySubscribe(topic[at..]))
            throw new IotException(IotErrors.InvalidTopic,
                $"'{topic}' is in no topic class that devices of product {device.ProductKey} may subscribe to; add one with Operation SUB or ALL (CreateProductTopic).");
        var id = downlink.NextId();
        await downlink.SendToDeviceAsync(device.Id, topic, payload, qos);
        return id;
    }

    /// <summary>PubBroadcast: every connected device of the product subscribed to the topic receives it.</summary>
    public string Broadcast(Product product, string topic, byte[] payload)
    {
        if (!topic.StartsWith($"/broadcast/{product.ProductKey}/", StringComparison.Ordinal) || topic.Contains('+') || topic.Contains('#'))
            throw new IotException(IotErrors.InvalidTopic, $"Broadcast topics are /broadcast/{product.ProductKey}/...");
        var id = downlink.NextId();
        foreach (var s in sessions.All)
            if (s.Device.ProductId == product.Id) downlink.Send(s, s.Device.DeviceId, topic, payload);
        cluster.Broadcast(product.Id, topic, payload);
        return id;
    }

    static string RawTopic(Device device) => $"/sys/{device.ProductKey}/{device.DeviceName}/thing/model/down_raw";

    /// <summary>For a custom-format product, the Alink request encoded by its script (protocolToRawData); null for an
    /// Alink JSON product. A missing or failing script refuses the call with the reason.</summary>
    async Task<byte[]?> RawAsync(Device device, byte[] alink)
    {
        var product = await scripts.ForProductAsync(device.ProductId);
        if (!product.IsCustomFormat) return null;
        if (product.Script is not { Encodes: true } script)
            throw new IotException(IotErrors.ScriptNotFound,
                $"The product of '{device.DeviceName}' sends custom-format data and has no submitted script with {Thingyard.Scripts.ScriptSandbox.Encode}: submit one (CreateThingScript) first.");
        var (raw, failure) = scripts.RunForCall(device.ProductId, device.DeviceName, Thingyard.Scripts.ScriptSandbox.Encode,
            () => Thingyard.Scripts.ScriptSandbox.ProtocolToRawData(script, Encoding.UTF8.GetString(alink), scripts.Limits));
        return raw ?? throw new IotException(IotErrors.ScriptFailed, $"The product's data parsing script failed: {failure}.");
    }

    async Task<DeviceRoute> EnsureOnlineAsync(Device device)
    {
        if (device.Status == DeviceStatus.Disabled) throw new IotException(IotErrors.DeviceDisabled, $"The device '{device.DeviceName}' is disabled.");
        return await downlink.FindAsync(device.Id) ?? throw new IotException(IotErrors.DeviceOffline, $"The device '{device.DeviceName}' is offline.");
    }

    /// <summary><paramref name="waitingFor"/>: the reply key a caller waits for (ExpectReply), forgotten when the send fails.</summary>
    async Task SendAsync(Device device, string topic, byte[] payload, string? waitingFor = null)
    {
        if (await downlink.SendToDeviceAsync(device.Id, topic, payload, replyKey: waitingFor)) return;
        if (waitingFor is not null) downlink.Forget(device.Id, waitingFor);
        throw new IotException(IotErrors.DeviceOffline, $"The device '{device.DeviceName}' is not subscribed to {topic}.");
    }

    static JsonDocument ParseObject(string json, string name)
    {
        try
        {
            var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind == JsonValueKind.Object) return doc;
            doc.Dispose();
        }
        catch (JsonException) { }
        throw new IotException(IotErrors.InvalidParameter, $"{name} must be a JSON object.");
    }
}

/// <summary>ACL checks for cloud-side publishes.</summary>
public static class DeviceTopicAcl
{
    public readonly record struct DeviceTopics(string ProductKey, string DeviceName)
    {
        public bool Contains(string topic) => TopicAcl.IsInNamespace(topic, ProductKey, DeviceName) && !topic.Contains('+') && !topic.Contains('#');
    }

    public static DeviceTopics For(Device d) => new(d.ProductKey, d.DeviceName);
}
