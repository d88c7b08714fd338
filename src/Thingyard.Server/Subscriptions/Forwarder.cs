// Turns what devices do into application messages, for consumer groups and the rules engine (RuleEngine): an accepted
// upstream message (property and event posts, replies to downlinks, custom topics), status changes, lifecycle and
// topology. Each message becomes one backlog row per subscribed group, written by the telemetry writer in the same
// commit as the telemetry it came with: a QoS 1 post acknowledged to the device is also queued for the application.
// A product nobody subscribes to and no rule reads costs two dictionary lookups.
using Microsoft.EntityFrameworkCore;
using Thingyard.Connectivity;
using Thingyard.Gateways;
using Thingyard.Storage;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Rules;
using Thingyard.Server.Things;
using Thingyard.Subscriptions;
using Thingyard.Telemetry;

namespace Thingyard.Server.Subscriptions;

public sealed class Forwarder
{
    readonly SubscriptionDirectory directory;
    readonly MessageIds ids;
    readonly ModelCache models;
    readonly TelemetryPipeline telemetry;
    readonly TimeProvider time;
    readonly ILogger<Forwarder> log;

    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly RuleEngine rules;

    public Forwarder(SubscriptionDirectory directory, MessageIds ids, ModelCache models, TelemetryPipeline telemetry, DeviceChanges changes,
        TopologyChanges topology, Thingyard.EndUsers.BindingChanges bindings, IDbContextFactory<ThingyardDb> dbs, RuleEngine rules, TimeProvider time, ILogger<Forwarder> log)
    {
        this.dbs = dbs;
        this.rules = rules;
        topology.Changed += c => _ = TopologyAsync(c);
        bindings.Changed += c => _ = BindingAsync(c);
        this.directory = directory;
        this.ids = ids;
        this.models = models;
        this.telemetry = telemetry;
        this.time = time;
        this.log = log;
        changes.Changed += c => { if (c.Row is { } row) _ = LifecycleAsync(c.Kind, row); };
    }

    /// <summary>Adds the forwards of an accepted uplink to its entries (committed with them), and offers each message
    /// to the rules engine when a running rule reads the product.</summary>
    public async ValueTask AddAsync(Uplink u)
    {
        var groups = await directory.GroupsAsync(u.Device.ProductId, u.Device.DeviceId, MessageKinds.DeviceData);
        var ruled = rules.Watches(u.Device.ProductId);
        if (groups.Length == 0 && !ruled) return;
        var d = u.Device;
        var requestId = u.Request?.IdText;
        if (IsCustomTopic(u))
        {
            // A product's transformPayload script gives the applications JSON instead of the device's own format.
            var payload = u.TransformedPayload is { } json ? System.Text.Encoding.UTF8.GetBytes(json) : System.Buffers.BuffersExtensions.ToArray(u.Payload);
            Add(u.Entries, groups, d.DeviceId, u.Topic, payload, u.NowMs);
            if (ruled) rules.Offer(new RuleInput(d.AccountId, d.ProductId, d.DeviceId, d.ProductKey, d.DeviceName, u.Topic, payload, u.NowMs));
            return;
        }
        var count = u.Entries.Count;
        List<TelemetryEntry>? properties = null;
        for (var i = 0; i < count; i++)
        {
            var e = u.Entries[i];
            switch (e.Kind)
            {
                case TelemetryKind.Property:
                    (properties ??= []).Add(e);
                    break;
                case TelemetryKind.Event:
                    var name = (await models.GetAsync(d.ProductId)).Event(e.Identifier!)?.Name;
                    Emit(u, groups, ruled, ForwardPayloads.EventTopic(d, e.Identifier!), ForwardPayloads.Event(d, requestId, u.NowMs, e, name));
                    break;
                case TelemetryKind.ServiceReply:
                    var requestTopic = u.Topic.EndsWith("_reply", StringComparison.Ordinal) ? u.Topic[..^"_reply".Length] : u.Topic;
                    Emit(u, groups, ruled, ForwardPayloads.DownlinkReplyTopic(d), ForwardPayloads.DownlinkReply(d, e.Extra, u.NowMs, e.Code, null, requestTopic, e.Json));
                    break;
            }
        }
        if (properties is not null)
        {
            // A batch post may carry several values of one property: the message has each property once, its latest.
            var latest = properties.GroupBy(p => p.Identifier).Select(g => g.Aggregate((a, b) => b.TimeMs >= a.TimeMs ? b : a));
            Emit(u, groups, ruled, ForwardPayloads.PropertyTopic(d), ForwardPayloads.Properties(d, requestId, u.NowMs, latest));
        }
    }

    /// <summary>A thing-model message of an uplink: queued for the groups, and offered to the rules under its /sys topic.</summary>
    void Emit(Uplink u, long[] groups, bool ruled, string topic, byte[] payload)
    {
        var d = u.Device;
        Add(u.Entries, groups, d.DeviceId, topic, payload, u.NowMs);
        if (ruled) rules.Offer(new RuleInput(d.AccountId, d.ProductId, d.DeviceId, d.ProductKey, d.DeviceName, "/sys" + topic, payload, u.NowMs));
    }

    /// <summary>Online or offline, queued behind the status change itself.</summary>
    public async ValueTask StatusAsync(DeviceIdentity d, bool online, string? ip, long timeMs, long lastTimeMs)
    {
        var groups = await directory.GroupsAsync(d.ProductId, d.DeviceId, MessageKinds.DeviceStatusChange);
        var ruled = rules.Watches(d.ProductId);
        if (groups.Length == 0 && !ruled) return;
        var payload = ForwardPayloads.Status(d, online, timeMs, lastTimeMs, ip, time.LocalTimeZone);
        var topic = ForwardPayloads.StatusTopic(d);
        await QueueAsync(groups, d.DeviceId, topic, payload, timeMs);
        if (ruled) rules.Offer(new RuleInput(d.AccountId, d.ProductId, d.DeviceId, d.ProductKey, d.DeviceName, topic, payload, timeMs));
    }

    /// <summary>A device created, deleted, enabled or disabled (DeviceLifeCycleFlag).</summary>
    async Task LifecycleAsync(DeviceChangeKind kind, Device d)
    {
        var action = kind switch
        {
            DeviceChangeKind.Created => "create",
            DeviceChangeKind.Deleted => "delete",
            DeviceChangeKind.Enabled => "enable",
            DeviceChangeKind.Disabled => "disable",
            _ => null,
        };
        if (action is null) return;
        try
        {
            var groups = await directory.GroupsAsync(d.ProductId, d.Id, MessageKinds.DeviceLifeCycle);
            var ruled = rules.Watches(d.ProductId);
            if (groups.Length == 0 && !ruled) return;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var payload = ForwardPayloads.Lifecycle(action, d.IotId, d.ProductKey, d.DeviceName, kind == DeviceChangeKind.Created ? d.DeviceSecret : null, now);
            var topic = ForwardPayloads.LifecycleTopic(d.ProductKey, d.DeviceName);
            await QueueAsync(groups, d.Id, topic, payload, now);
            if (ruled) rules.Offer(new RuleInput(d.AccountId, d.ProductId, d.Id, d.ProductKey, d.DeviceName, "/sys" + topic, payload, now));
        }
        catch (Exception e)
        {
            log.LogError(e, "The lifecycle message ({Action}) of {ProductKey}/{DeviceName} was not queued", action, d.ProductKey, d.DeviceName);
        }
    }

    /// <summary>Sub-devices joining or leaving a gateway (DeviceTopoLifeCycleFlag, on the gateway's product).</summary>
    async Task TopologyAsync(TopologyChange change)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync();
            var gateway = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == change.GatewayDeviceId);
            if (gateway is null) return;
            var groups = await directory.GroupsAsync(gateway.ProductId, gateway.Id, MessageKinds.DeviceTopoLifeCycle);
            var ruled = rules.Watches(gateway.ProductId);
            if (groups.Length == 0 && !ruled) return;
            var subs = await db.Devices.AsNoTracking().Where(d => change.SubDeviceIds.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var payload = ForwardPayloads.Topology(change.Added ? "create" : "delete", gateway, subs, now);
            var topic = ForwardPayloads.TopologyTopic(gateway.ProductKey, gateway.DeviceName);
            await QueueAsync(groups, gateway.Id, topic, payload, now);
            if (ruled) rules.Offer(new RuleInput(gateway.AccountId, gateway.ProductId, gateway.Id, gateway.ProductKey, gateway.DeviceName, "/sys" + topic, payload, now));
        }
        catch (Exception e)
        {
            log.LogError(e, "The topology message of gateway {GatewayId} was not queued", change.GatewayDeviceId);
        }
    }

    /// <summary>An end user bound, shared, left or unbound a device, or it was reset (EndUserBindFlag).</summary>
    async Task BindingAsync(Thingyard.EndUsers.BindingChange change)
    {
        try
        {
            var d = change.Device;
            var groups = await directory.GroupsAsync(d.ProductId, d.Id, MessageKinds.EndUserBinding);
            var ruled = rules.Watches(d.ProductId);
            if (groups.Length == 0 && !ruled) return;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var payload = ForwardPayloads.Binding(change, now);
            var topic = ForwardPayloads.BindingTopic(d.ProductKey, d.DeviceName);
            await QueueAsync(groups, d.Id, topic, payload, now);
            if (ruled) rules.Offer(new RuleInput(d.AccountId, d.ProductId, d.Id, d.ProductKey, d.DeviceName, "/sys" + topic, payload, now));
        }
        catch (Exception e)
        {
            log.LogError(e, "The binding message ({Action}) of {ProductKey}/{DeviceName} was not queued", change.Action, change.Device.ProductKey, change.Device.DeviceName);
        }
    }

    /// <summary>A message that comes with no telemetry of its own (status, lifecycle, topology), queued for each group.</summary>
    async Task QueueAsync(long[] groups, long deviceId, string topic, byte[] payload, long nowMs)
    {
        var entries = new List<TelemetryEntry>(groups.Length);
        Add(entries, groups, deviceId, topic, payload, nowMs);
        foreach (var e in entries) await telemetry.WriteAsync(e);
    }

    void Add(List<TelemetryEntry> to, long[] groups, long deviceId, string topic, byte[] payload, long nowMs)
    {
        foreach (var g in groups)
            to.Add(TelemetryEntry.Forward(new BacklogMessage
            {
                Id = ids.Next(), ConsumerGroupId = g, DeviceId = deviceId, Topic = topic, Payload = payload, GenerateTimeMs = nowMs,
            }));
    }

    /// <summary>/{pk}/{dn}/user/...: the device's own topics, forwarded as they came.</summary>
    static bool IsCustomTopic(Uplink u) => u.Levels.Length > 4 && u.Levels[3] == "user";

}
