// Every device publish comes through here: ACL (the topic must be the device's own or a logged-in sub-device's, a custom
// one allowed by a topic class of its product),
// size and rate limits, then the route table (UplinkRoutes) picks the handler. Nothing is relayed broker-side: the platform consumes device
// messages itself. A QoS 1 publish is acknowledged (PUBACK) only after its telemetry is committed.
using System.Buffers;
using System.Diagnostics;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Thingyard.Server.Hosting;
using Thingyard.Server.Settings;
using Thingyard.Telemetry;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Connectivity;

public sealed class UplinkRouter(MqttOptions mqtt, ConnectivityStats stats, AccountTraffic traffic, MessageTap tap, Downlink downlink,
    TelemetryPipeline telemetry, UplinkRoutes routes, Subscriptions.Forwarder forwarder, Alarms.AlarmObserver alarms,
    Thingyard.Topics.TopicClassDirectory topicClasses, TimeProvider time, ILogger<UplinkRouter> log)
{
    static void Refuse(InterceptingPublishEventArgs e, MqttPubAckReasonCode code, string why)
    {
        e.Response.ReasonCode = code;
        e.Response.ReasonString = why;
    }

    public async Task InterceptAsync(InterceptingPublishEventArgs e)
    {
        e.ProcessPublish = false;
        if (e.SessionItems?[DeviceSession.ItemKey] is not DeviceSession session) return; // registration connections, will messages
        var message = e.ApplicationMessage;
        var topic = message.Topic;
        var payload = message.Payload;
        if (payload.Length > mqtt.MaxPayloadBytes)
        {
            stats.OversizedPublish();
            log.LogWarning("Dropped {Bytes}-byte publish from {Device} on {Topic}: over the {Max}-byte limit", payload.Length, session.Device, topic, mqtt.MaxPayloadBytes);
            // MQTT 5 clients learn why from the PUBACK; an MQTT 3.1.1 PUBACK carries no reason.
            Refuse(e, MqttPubAckReasonCode.ImplementationSpecificError, $"payload over the {mqtt.MaxPayloadBytes}-byte limit");
            return;
        }
        var owner = session.Owner(topic);
        if (owner is null)
        {
            stats.ForeignPublish();
            log.LogInformation("Dropped publish from {Device} to foreign topic {Topic}", session.Device, topic);
            Refuse(e, MqttPubAckReasonCode.NotAuthorized, "not a topic of this device");
            return;
        }
        // Custom topics: only those a PUB or ALL topic class of the owner's product allows.
        if (Protocol.Topics.TopicClassSet.UserSuffix(topic, owner.ProductKey, owner.DeviceName) is >= 0 and var at
            && !(await topicClasses.ForProductAsync(owner.ProductId, e.CancellationToken)).MayPublish(topic.AsSpan(at)))
        {
            stats.UnclassedPublish();
            log.LogInformation("Dropped publish from {Device} to {Topic}: no topic class of product {ProductKey} allows publishing to it", session.Device, topic, owner.ProductKey);
            Refuse(e, MqttPubAckReasonCode.NotAuthorized, "no topic class allows publishing to this topic");
            return;
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!session.TakeUplinkToken(now, mqtt.MessagesPerSecondPerDevice * (1 + (session.Device.IsGateway ? session.SubDevices.Count : 0))))
        {
            stats.ThrottledPublish();
            Refuse(e, MqttPubAckReasonCode.QuotaExceeded, "over the per-device message rate");
            return;
        }
        stats.Accepted();
        traffic.Message(session.Device.AccountId);
        tap.Up(owner.DeviceId, topic, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());

        // Null unless traces are exported (Observability): then this is one check per publish.
        using var activity = Observability.Activities.StartActivity("MQTT uplink", ActivityKind.Consumer);
        activity?.SetTag("messaging.system", "mqtt");
        activity?.SetTag("messaging.destination.name", topic);
        var uplink = new Uplink(session, owner, topic, topic.Split('/'), payload, (int)message.QualityOfServiceLevel, now);
        try
        {
            try { await DispatchAsync(uplink); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Input a handler did not foresee: answer it and acknowledge it. A QoS 1 publish left without PUBACK would
                // be resent by the SDK for ever, and the device would never get past it.
                stats.BadPayload();
                traffic.BadPayload(session.Device.AccountId);
                log.LogWarning(ex, "Rejected {Topic} from {Device}: its handler failed on the payload", topic, owner);
                activity?.SetStatus(ActivityStatusCode.Error, "bad payload");
                uplink.Entries.Clear();
                uplink.Reply(downlink, AlinkCodes.BadParams, message: "the request could not be processed");
                return;
            }
            // Consumer groups subscribed to the product get what was accepted, in the same commit.
            await forwarder.AddAsync(uplink);
            alarms.Observe(uplink);
            if (uplink.Entries.Count > 0)
            {
                if (uplink.Qos >= 1) await telemetry.WriteDurableAsync(uplink.Entries, e.CancellationToken);
                else foreach (var entry in uplink.Entries) await telemetry.WriteAsync(entry, e.CancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Failed to handle {Topic} from {Device}", topic, owner);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            uplink.Reply(downlink, AlinkCodes.SystemError, message: "internal error");
            // Not acknowledged as stored: the device's QoS 1 retry will bring it again.
            if (uplink.Qos >= 1) e.CloseConnection = true;
        }
        finally
        {
            uplink.Request?.Dispose();
        }
    }

    /// <summary>The route table picks the handler; topics without a route (custom /pk/dn/user/... ones) are only seen by
    /// watchers, never relayed to other devices.</summary>
    async Task DispatchAsync(Uplink u)
    {
        if (routes.Match(u.Levels) is not { } route) return;
        switch (route.Payload)
        {
            case UplinkPayload.Alink when !ParseAlink(u): return;
            case UplinkPayload.Text when !TextPayload(u): return;
        }
        if (route.ArgLevel >= 0) u.RouteArg = u.Levels[route.ArgLevel];
        await route.Handler(u);
    }

    /// <summary>NTP requests are JSON but not Alink requests: the payload must at least be UTF-8 text.</summary>
    bool TextPayload(Uplink u)
    {
        if (Utf8Payload.IsValid(u.Payload)) return true;
        stats.BadPayload();
        traffic.BadPayload(u.Session.Device.AccountId);
        log.LogInformation("Bad payload from {Device} on {Topic}: not valid UTF-8", u.Device, u.Topic);
        return false;
    }

    bool ParseAlink(Uplink u)
    {
        u.Request = AlinkRequest.TryParse(u.Payload, out var error);
        if (u.Request is not null) return true;
        stats.BadPayload();
        traffic.BadPayload(u.Session.Device.AccountId);
        log.LogInformation("Bad Alink payload from {Device} on {Topic}: {Error}", u.Device, u.Topic, error);
        u.Reply(downlink, AlinkCodes.BadParams, message: error);
        return false;
    }
}
