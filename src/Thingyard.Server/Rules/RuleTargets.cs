// What a rule action's Configuration names, checked when the action is saved and resolved again when the engine loads
// it: REPUBLISH {"topic":"/pk/dn/user/get","topicType":1,"qos":0} to a device of the account, AMQP {"groupId":"..."} a
// consumer group of the account, WEBHOOK {"url":"https://...","token":"..."} (Thingyard's own, for what the platform
// forwards to its cloud products). Types of Alibaba's cloud products (OTS, RDS, DATAHUB, ...) have nothing to reach here.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Things;
using Thingyard.Server.Webhooks;
using Thingyard.Storage;

namespace Thingyard.Server.Rules;

public abstract record RuleTarget(long ActionId, string Type)
{
    /// <summary>What the error message names as the action's resource.</summary>
    public abstract string Resource { get; }
}

public sealed record RepublishTarget(long ActionId, long DeviceId, string Topic, int Qos) : RuleTarget(ActionId, RuleTargets.Republish)
{
    public override string Resource => Topic;
}

public sealed record AmqpTarget(long ActionId, long GroupRowId, string GroupId) : RuleTarget(ActionId, RuleTargets.Amqp)
{
    public override string Resource => GroupId;
}

public sealed record WebhookTarget(long ActionId, string Url, string? Token) : RuleTarget(ActionId, RuleTargets.Webhook)
{
    public override string Resource => Url;
}

public static class RuleTargets
{
    public const string Republish = "REPUBLISH";
    public const string Amqp = "AMQP";
    public const string Webhook = "WEBHOOK";
    static readonly string[] CloudProducts = ["OTS", "RDS", "DATAHUB", "ONS", "MNS", "FC", "TSDB", "HITSDB", "LINDORM", "KAFKA", "MQ"];

    /// <summary>The action's target, or the platform's error saying what is wrong with its configuration.</summary>
    public static async Task<RuleTarget> ResolveAsync(ThingyardDb db, long accountId, long actionId, string? type, string? configuration,
        WebhookOutbox outbox, CancellationToken ct)
    {
        type = type?.Trim().ToUpperInvariant();
        if (type is not (Republish or Amqp or Webhook))
            throw Invalid(CloudProducts.Contains(type)
                ? $"Type {type} forwards to an Alibaba Cloud product, which a self-hosted platform does not have; use REPUBLISH, AMQP or WEBHOOK."
                : $"Type '{type}' is not REPUBLISH, AMQP or WEBHOOK.");
        if (string.IsNullOrWhiteSpace(configuration) || configuration.Length > Thingyard.Rules.RuleLimits.MaxConfiguration)
            throw Invalid($"Configuration is required: a JSON object of at most {Thingyard.Rules.RuleLimits.MaxConfiguration} characters.");
        JsonElement c;
        try
        {
            using var doc = JsonDocument.Parse(configuration);
            c = doc.RootElement.Clone();
        }
        catch (JsonException e) { throw Invalid($"Configuration is not JSON: {e.Message}"); }
        if (c.ValueKind != JsonValueKind.Object) throw Invalid("Configuration must be a JSON object.");

        switch (type)
        {
            case Republish:
            {
                var topic = Text(c, "topic") ?? throw Invalid("A REPUBLISH configuration needs \"topic\": the device topic to publish to, e.g. /pk/dn/user/get.");
                var qos = c.TryGetProperty("qos", out var q) && q.ValueKind == JsonValueKind.Number ? q.GetInt32() : 0;
                if (qos is not (0 or 1)) throw Invalid("\"qos\" must be 0 or 1.");
                var device = await DeviceOfAsync(db, accountId, topic, ct)
                    ?? throw Invalid($"\"topic\" {topic} is not a topic of a device of this account (/pk/dn/user/... or /sys/pk/dn/...).");
                if (!DeviceTopicAcl.For(device).Contains(topic)) throw Invalid($"\"topic\" {topic} is not a topic of device {device.DeviceName}.");
                return new RepublishTarget(actionId, device.Id, topic, qos);
            }
            case Amqp:
            {
                var groupId = Text(c, "groupId") ?? throw Invalid("An AMQP configuration needs \"groupId\": the consumer group to deliver to.");
                var group = await db.ConsumerGroups.AsNoTracking().OwnedBy(accountId).FirstOrDefaultAsync(g => g.GroupId == groupId, ct)
                    ?? throw new IotException(IotErrors.ConsumerGroupNotFound, $"Consumer group {groupId} does not exist.");
                return new AmqpTarget(actionId, group.Id, group.GroupId);
            }
            default:
            {
                var url = Text(c, "url") ?? throw Invalid("A WEBHOOK configuration needs \"url\": the HTTPS endpoint to post to.");
                if (outbox.CheckUrl(url) is { } bad) throw Invalid($"\"url\": {bad}.");
                var token = Text(c, "token");
                if (WebhookOutbox.CheckToken(token) is { } badToken) throw Invalid($"\"token\": {badToken}.");
                return new WebhookTarget(actionId, url, token);
            }
        }
    }

    /// <summary>The account's device a topic belongs to: /pk/dn/... or /sys/pk/dn/... (/ext/... is not republished to).</summary>
    static async Task<Device?> DeviceOfAsync(ThingyardDb db, long accountId, string topic, CancellationToken ct)
    {
        var levels = topic.Split('/');
        var at = levels.Length > 3 && levels[1] == "sys" ? 2 : 1;
        if (levels.Length < at + 3 || levels[0] != "") return null;
        var (pk, dn) = (levels[at], levels[at + 1]);
        return await db.Devices.AsNoTracking().OwnedBy(accountId).FirstOrDefaultAsync(d => d.ProductKey == pk && d.DeviceName == dn, ct);
    }

    static string? Text(JsonElement c, string name) =>
        c.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s ? s : null;

    static IotException Invalid(string message) => new(IotErrors.InvalidRuleAction, message);
}
