// Alink thing-model messages from devices: property and event reports (single and batch), replies to property set
// and service calls, device tags (deviceinfo), remote configuration requests. Values are checked against the
// product's thing model and nothing of a rejected message is stored.
using System.Buffers;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Registry;
using Thingyard.RemoteConfig;
using Thingyard.Server.Connectivity;
using Thingyard.Server.RemoteConfig;
using Thingyard.Storage;
using Thingyard.Telemetry;
using Thingyard.ThingModels;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Things;

public sealed class ThingUplinks(ModelCache models, Downlink downlink, ConfigDelivery configs, IServiceScopeFactory scopes, ILogger<ThingUplinks> log)
{
    public async Task PropertyPostAsync(Uplink u)
    {
        var p = u.Request!.Params;
        if (p.ValueKind != JsonValueKind.Object) { Reject(u, "params must be an object of property values"); return; }
        var model = await models.GetAsync(u.Device.ProductId);
        var errors = new List<string>();
        CollectProperties(u, model, p, errors, single: true);
        Finish(u, errors);
    }

    /// <summary>thing.event.property.batch.post: {"properties":{id:[{value,time}]},"events":{id:[{value,time}]}}.</summary>
    public async Task BatchPostAsync(Uplink u)
    {
        var p = u.Request!.Params;
        if (p.ValueKind != JsonValueKind.Object) { Reject(u, "params must be an object with properties and events"); return; }
        var model = await models.GetAsync(u.Device.ProductId);
        var errors = new List<string>();
        if (p.TryGetProperty("properties", out var props))
        {
            if (props.ValueKind != JsonValueKind.Object) errors.Add("properties: must be an object");
            else CollectProperties(u, model, props, errors, single: false);
        }
        if (p.TryGetProperty("events", out var events))
        {
            if (events.ValueKind != JsonValueKind.Object) errors.Add("events: must be an object");
            else
                foreach (var e in events.EnumerateObject())
                {
                    if (e.Value.ValueKind != JsonValueKind.Array) { errors.Add($"events.{e.Name}: must be an array of {{value,time}}"); continue; }
                    var i = 0;
                    foreach (var item in e.Value.EnumerateArray())
                    {
                        var (value, time) = ReportedValue.Unwrap(item);
                        CollectEvent(u, model, e.Name, value, ReportedValue.TimeOf(time, u.NowMs, $"events.{e.Name}[{i}]", errors), errors, $"events.{e.Name}[{i}]");
                        i++;
                    }
                }
        }
        Finish(u, errors);
    }

    /// <summary>thing.event.{id}.post: params are {value:{...},time} (documented form) or the outputs themselves (JS SDK).</summary>
    public async Task EventPostAsync(Uplink u, string identifier)
    {
        var p = u.Request!.Params;
        if (p.ValueKind != JsonValueKind.Object) { Reject(u, "params must be an object"); return; }
        var model = await models.GetAsync(u.Device.ProductId);
        var errors = new List<string>();
        var ev = model.Event(identifier);
        var outputs = p;
        long? time = null;
        if (p.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Object &&
            (ev is null || ev.OutputData.All(o => o.Identifier != "value")))
        {
            outputs = v;
            if (p.TryGetProperty("time", out var t)) time = ReportedValue.ReadTime(t);
        }
        CollectEvent(u, model, identifier, outputs, ReportedValue.TimeOf(time, u.NowMs, identifier, errors), errors, identifier);
        Finish(u, errors);
    }

    void CollectProperties(Uplink u, ThingModel model, JsonElement props, List<string> errors, bool single)
    {
        var count = 0;
        foreach (var prop in props.EnumerateObject())
        {
            count++;
            var property = model.Property(prop.Name);
            if (property is null) { errors.Add($"{prop.Name}: no such property in the thing model"); continue; }
            if (single)
            {
                var (value, time) = ReportedValue.Unwrap(prop.Value);
                Property(u, property, value, ReportedValue.TimeOf(time, u.NowMs, prop.Name, errors), errors, prop.Name);
            }
            else if (prop.Value.ValueKind != JsonValueKind.Array) errors.Add($"properties.{prop.Name}: must be an array of {{value,time}}");
            else
            {
                var i = 0;
                foreach (var item in prop.Value.EnumerateArray())
                {
                    var path = $"properties.{prop.Name}[{i++}]";
                    var (value, time) = ReportedValue.Unwrap(item);
                    Property(u, property, value, ReportedValue.TimeOf(time, u.NowMs, path, errors), errors, path);
                }
            }
        }
        if (count == 0) errors.Add("params: no property values");
    }

    void Property(Uplink u, TslProperty property, JsonElement value, long time, List<string> errors, string path)
    {
        if (TslValueChecker.Check(property.DataType, value, path) is { } error) { errors.Add(error); return; }
        u.Entries.Add(TelemetryEntry.Property(u.Device.DeviceId, property.Identifier, time, value.GetRawText()));
    }

    void CollectEvent(Uplink u, ThingModel model, string identifier, JsonElement outputs, long time, List<string> errors, string path)
    {
        var ev = model.Event(identifier);
        if (ev is null) { errors.Add($"{path}: no such event in the thing model"); return; }
        if (TslValueChecker.CheckParams(ev.OutputData, outputs, path) is { } error) { errors.Add(error); return; }
        u.Entries.Add(TelemetryEntry.Event(u.Device.DeviceId, ev.Identifier, ev.Type, time, outputs.GetRawText()));
    }

    void Finish(Uplink u, List<string> errors)
    {
        if (errors.Count > 0)
        {
            u.Entries.Clear();
            Reject(u, string.Join("; ", errors));
            return;
        }
        u.Reply(downlink, AlinkCodes.Ok);
    }

    void Reject(Uplink u, string message)
    {
        log.LogInformation("Rejected {Method} from {Device}: {Message}", u.Request?.Method, u.Device, message);
        u.Entries.Clear();
        u.Reply(downlink, AlinkCodes.BadParams, message: message);
    }

    /// <summary>A /thing/ topic no route knows.</summary>
    public void Unknown(Uplink u) => u.Reply(downlink, AlinkCodes.TopicParseError, message: $"topic {u.Topic} is not a known thing topic");

    /// <summary>/thing/service/{x}: a device publishes only the _reply of a call there.</summary>
    public void ServiceTopic(Uplink u)
    {
        if (u.RouteArg!.EndsWith("_reply", StringComparison.Ordinal)) CallReply(u);
        else Unknown(u);
    }

    /// <summary>A reply to property set or a service call: completes a waiting call and records the outcome.</summary>
    public void CallReply(Uplink u)
    {
        var root = u.Request!.Root;
        if (u.Request.IdText is not { } id) return;
        var reply = Downlink.ParseReply(root, u.Payload.ToArray());
        downlink.Complete(u.Device.DeviceId, id, reply);
        u.Entries.Add(TelemetryEntry.ServiceReply(u.Device.DeviceId, id, reply.Code, reply.DataJson ?? "{}"));
    }

    /// <summary>thing.deviceinfo.update/delete: device tags reported by the device itself, with the same rules as SaveDeviceProp.</summary>
    public async Task DeviceInfoAsync(Uplink u, bool delete)
    {
        var p = u.Request!.Params;
        if (p.ValueKind != JsonValueKind.Array) { Reject(u, "params must be an array of {attrKey, attrValue}"); return; }
        var tags = new Dictionary<string, string>();
        foreach (var item in p.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("attrKey", out var k) || k.ValueKind != JsonValueKind.String)
            { Reject(u, "each item needs a string attrKey"); return; }
            var value = "";
            if (!delete)
            {
                if (!item.TryGetProperty("attrValue", out var v)) { Reject(u, $"{k.GetString()}: attrValue is missing"); return; }
                value = v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText();
            }
            tags[k.GetString()!] = value;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ThingyardDb>();
        var store = scope.ServiceProvider.GetRequiredService<DeviceTags>();
        var device = await db.Devices.FirstAsync(d => d.Id == u.Device.DeviceId);
        try
        {
            foreach (var key in tags.Keys) DeviceTags.CheckKey(key);
            if (delete) foreach (var key in tags.Keys) await store.DeleteAsync(device, key);
            else await store.SaveAsync(device, tags);
        }
        catch (Thingyard.Common.IotException e) { Reject(u, e.Message); return; }
        u.Reply(downlink, AlinkCodes.Ok);
    }

    /// <summary>thing.config.get: the product's current configuration file (id, size, SHA-256 and a download link).</summary>
    public async Task ConfigGetAsync(Uplink u)
    {
        await using var scope = scopes.CreateAsyncScope();
        var file = await scope.ServiceProvider.GetRequiredService<RemoteConfigs>().CurrentAsync(u.Device.ProductId);
        if (file is null) { u.Reply(downlink, AlinkCodes.ConfigNotFound, message: "the product has no configuration file"); return; }
        u.Reply(downlink, AlinkCodes.Ok, configs.Data(file), carriesAnswer: true);
    }
}
