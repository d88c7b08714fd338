// Turns what devices do into consumer-group messages: an accepted upstream message (property and event posts, replies
// to downlinks, custom topics) and status changes. Each message becomes one backlog row per subscribed group, written by
// the telemetry writer in the same commit as the telemetry it came with: a QoS 1 post acknowledged to the device is
// also queued for the application. A product nobody subscribes to costs one dictionary lookup.
using Microsoft.EntityFrameworkCore;
using Thingyard.Connectivity;
using Thingyard.Gateways;
using Thingyard.Storage;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
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

    public Forwarder(SubscriptionDirectory directory, MessageIds ids, ModelCache models, TelemetryPipeline telemetry, DeviceChanges changes,
        TopologyChanges topology, IDbContextFactory<ThingyardDb> dbs, TimeProvider time, ILogger<Forwarder> log)
    {
        this.dbs = dbs;
        topology.Changed += c => _ = TopologyAsync(c);
        this.directory = directory;
        this.ids = ids;
        this.models = models;
        this.telemetry = telemetry;
        this.time = time;
        this.log = log;
        changes.Changed += c => { if (c.Row is { } row) _ = LifecycleAsync(c.Kind, row); };
    }

    /// <summary>Adds the forwards of an accepted uplink to its entries (committed with them).</summary>
    public async ValueTask AddAsync(Uplink u)
    {
        var groups = await directory.GroupsAsync(u.Device.ProductId, MessageKinds.DeviceData);
        if (groups.Length == 0) return;
        var d = u.Device;
        var requestId = u.Request?.IdText;
        if (IsCustomTopic(u))
        {
            // A product's transformPayload script gives the applications JSON instead of the device's own format.
            var payload = u.TransformedPayload is { } json ? System.Text.Encoding.UTF8.GetBytes(json) : System.Buffers.BuffersExtensions.ToArray(u.Payload);
            Add(u.Entries, groups, d.DeviceId, u.Topic, payload, u.NowMs);
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
                    Add(u.Entries, groups, d.DeviceId, ForwardPayloads.EventTopic(d, e.Identifier!), ForwardPayloads.Event(d, requestId, u.NowMs, e, name), u.NowMs);
                    break;
                case TelemetryKind.ServiceReply:
                    var requestTopic = u.Topic.EndsWith("_reply", StringComparison.Ordinal) ? u.Topic[..^"_reply".Length] : u.Topic;
                    Add(u.Entries, groups, d.DeviceId, ForwardPayloads.DownlinkReplyTopic(d),
                        ForwardPayloads.DownlinkReply(d, e.Extra, u.NowMs, e.Code, null, requestTopic, e.Json), u.NowMs);
                    break;
            }
        }
        if (properties is not null)
        {
            // A batch post may carry several values of one property: the message has each property once, its latest.
            var latest = properties.GroupBy(p => p.Identifier).Select(g => g.Aggregate((a, b) => b.TimeMs >= a.TimeMs ? b : a));
            Add(u.Entries, groups, d.DeviceId, ForwardPayloads.PropertyTopic(d), ForwardPayloads.Properties(d, requestId, u.NowMs, latest), u.NowMs);
        }
    }

    /// <summary>Online or offline, queued behind the status change itself.</summary>
    public async ValueTask StatusAsync(DeviceIdentity d, bool online, string? ip, long timeMs, long lastTimeMs)
    {
        var groups = await directory.GroupsAsync(d.ProductId, MessageKinds.DeviceStatusChange);
        if (groups.Length == 0) return;
        var payload = ForwardPayloads.Status(d, online, timeMs, lastTimeMs, ip, time.LocalTimeZone);
        await QueueAsync(groups, d.DeviceId, ForwardPayloads.StatusTopic(d), payload, timeMs);
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
            var groups = await directory.GroupsAsync(d.ProductId, MessageKinds.DeviceLifeCycle);
            if (groups.Length == 0) return;
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var payload = ForwardPayloads.Lifecycle(action, d.IotId, d.ProductKey, d.DeviceName, kind == DeviceChangeKind.Created ? d.DeviceSecret : null, now);
            await QueueAsync(groups, d.Id, ForwardPayloads.LifecycleTopic(d.ProductKey, d.DeviceName), payload, now);
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
            var groups = await directory.GroupsAsync(gateway.ProductId, MessageKinds.DeviceTopoLifeCycle);
            if (groups.Length == 0) return;
            var subs = await db.Devices.AsNoTracking().Where(d => change.SubDeviceIds.Contains(d.Id)).OrderBy(d => d.Id).ToListAsync();
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var payload = ForwardPayloads.Topology(change.Added ? "create" : "delete", gateway, subs, now);
            await QueueAsync(groups, gateway.Id, ForwardPayloads.TopologyTopic(gateway.ProductKey, gateway.DeviceName), payload, now);
        }
        catch (Exception e)
        {
            log.LogError(e, "The topology message of gateway {GatewayId} was not queued", change.GatewayDeviceId);
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
