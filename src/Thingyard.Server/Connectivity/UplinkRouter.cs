// Every device publish comes through here: ACL (the topic must be the device's own or a logged-in sub-device's),
// size and rate limits, then dispatch by topic. Nothing is relayed broker-side: the platform consumes device
// messages itself. A QoS 1 publish is acknowledged (PUBACK) only after its telemetry is committed.
using System.Buffers;
using System.Text.Json;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Thingyard.Server.Gateways;
using Thingyard.Server.Hosting;
using Thingyard.Server.Shadows;
using Thingyard.Server.Things;
using Thingyard.Telemetry;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Connectivity;

public sealed class UplinkRouter(ThingyardOptions options, ConnectivityStats stats, MessageTap tap, Downlink downlink,
    TelemetryPipeline telemetry, ThingUplinks things, GatewayUplinks gateways, ShadowMessages shadows, TimeProvider time,
    ILogger<UplinkRouter> log)
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
        if (payload.Length > options.Mqtt.MaxPayloadBytes)
        {
            stats.OversizedPublish();
            log.LogWarning("Dropped {Bytes}-byte publish from {Device} on {Topic}: over the {Max}-byte limit", payload.Length, session.Device, topic, options.Mqtt.MaxPayloadBytes);
            // MQTT 5 clients learn why from the PUBACK; an MQTT 3.1.1 PUBACK carries no reason.
            Refuse(e, MqttPubAckReasonCode.ImplementationSpecificError, $"payload over the {options.Mqtt.MaxPayloadBytes}-byte limit");
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
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (!session.TakeUplinkToken(now, options.Mqtt.MessagesPerSecondPerDevice * (1 + (session.Device.IsGateway ? session.SubDevices.Count : 0))))
        {
            stats.ThrottledPublish();
            Refuse(e, MqttPubAckReasonCode.QuotaExceeded, "over the per-device message rate");
            return;
        }
        stats.Accepted();
        tap.Up(owner.DeviceId, topic, payload.IsSingleSegment ? payload.FirstSpan : payload.ToArray());

        var uplink = new Uplink(session, owner, topic, topic.Split('/'), payload, (int)message.QualityOfServiceLevel, now);
        try
        {
            try { await DispatchAsync(uplink); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Input a handler did not foresee: answer it and acknowledge it. A QoS 1 publish left without PUBACK would
                // be resent by the SDK for ever, and the device would never get past it.
                stats.BadPayload();
                log.LogWarning(ex, "Rejected {Topic} from {Device}: its handler failed on the payload", topic, owner);
                uplink.Entries.Clear();
                uplink.Reply(downlink, AlinkCodes.BadParams, message: "the request could not be processed");
                return;
            }
            if (uplink.Entries.Count > 0)
            {
                if (uplink.Qos >= 1) await telemetry.WriteDurableAsync(uplink.Entries, e.CancellationToken);
                else foreach (var entry in uplink.Entries) await telemetry.WriteAsync(entry, e.CancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log.LogError(ex, "Failed to handle {Topic} from {Device}", topic, owner);
            uplink.Reply(downlink, AlinkCodes.SystemError, message: "internal error");
            // Not acknowledged as stored: the device's QoS 1 retry will bring it again.
            if (uplink.Qos >= 1) e.CloseConnection = true;
        }
        finally
        {
            uplink.Request?.Dispose();
        }
    }

    async Task DispatchAsync(Uplink u)
    {
        var l = u.Levels;
        switch (l[1])
        {
            case "sys" when l.Length >= 6 && l[4] == "thing":
                if (!ParseAlink(u)) return;
                await ThingAsync(u, l);
                return;
            case "sys" when l.Length == 7 && l[4] == "rrpc" && l[5] == "response":
                RrpcResponse(u, l[6]);
                return;
            case "ext" when l[2] == "session" && l.Length == 7 && l[5] == "combine":
                if (!ParseAlink(u)) return;
                await gateways.HandleAsync(u, "combine/" + l[6]);
                return;
            case "ext" when l[2] == "ntp" && l.Length == 6 && l[5] == "request":
                if (TextPayload(u)) Ntp(u);
                return;
            case "ext" when l[2] == "rrpc":
                RrpcResponse(u, l[3]);
                return;
            case "shadow" when l[2] == "update":
                await shadows.HandleAsync(u);
                return;
            default:
                // Custom (/pk/dn/user/...) and other topics: visible to watchers, not relayed to other devices.
                return;
        }
    }

    async Task ThingAsync(Uplink u, string[] l)
    {
        var path = string.Join('/', l, 5, l.Length - 5); // after /sys/pk/dn/thing/
        switch (path)
        {
            case "event/property/post": await things.PropertyPostAsync(u); return;
            case "event/property/batch/post": await things.BatchPostAsync(u); return;
            case "service/property/set_reply": things.CallReply(u); return;
            case "deviceinfo/update": await things.DeviceInfoAsync(u, delete: false); return;
            case "deviceinfo/delete": await things.DeviceInfoAsync(u, delete: true); return;
            case "config/get": await things.ConfigGetAsync(u); return;
            case "topo/add" or "topo/delete" or "topo/get" or "sub/register" or "proxy/provisioning/product_register": await gateways.HandleAsync(u, path); return;
            case "bootstrap/notify_reply" or "config/push_reply": return;
        }
        if (l.Length == 8 && l[5] == "event" && l[7] == "post") { await things.EventPostAsync(u, l[6]); return; }
        if (l.Length == 7 && l[5] == "service" && l[6].EndsWith("_reply", StringComparison.Ordinal)) { things.CallReply(u); return; }
        u.Reply(downlink, AlinkCodes.TopicParseError, message: $"topic {u.Topic} is not a known thing topic");
    }

    /// <summary>NTP requests are JSON but not Alink requests: the payload must at least be UTF-8 text.</summary>
    bool TextPayload(Uplink u)
    {
        if (Utf8Payload.IsValid(u.Payload)) return true;
        stats.BadPayload();
        log.LogInformation("Bad payload from {Device} on {Topic}: not valid UTF-8", u.Device, u.Topic);
        return false;
    }

    bool ParseAlink(Uplink u)
    {
        u.Request = AlinkRequest.TryParse(u.Payload, out var error);
        if (u.Request is not null) return true;
        stats.BadPayload();
        log.LogInformation("Bad Alink payload from {Device} on {Topic}: {Error}", u.Device, u.Topic, error);
        u.Reply(downlink, AlinkCodes.BadParams, message: error);
        return false;
    }

    /// <summary>An RRPC answer: /sys/pk/dn/rrpc/response/{id} or the /ext/rrpc/{id}/... topic it was asked on.</summary>
    void RrpcResponse(Uplink u, string id)
    {
        var raw = u.Payload.ToArray();
        DeviceReply reply;
        try
        {
            using var doc = JsonDocument.Parse(raw);
            reply = doc.RootElement.ValueKind == JsonValueKind.Object ? Downlink.ParseReply(doc.RootElement, raw) : new DeviceReply(200, null, null, raw);
        }
        catch (JsonException) { reply = new DeviceReply(200, null, null, raw); }
        downlink.Complete(u.Device.DeviceId, "rrpc:" + id, reply);
        // A synchronous service call travels as RRPC; record its outcome like any service reply (no-op otherwise).
        if (reply.DataJson is not null) u.Entries.Add(TelemetryEntry.ServiceReply(u.Device.DeviceId, id, reply.Code, reply.DataJson));
    }

    void Ntp(Uplink u)
    {
        var received = u.NowMs;
        string? sent = null;
        try
        {
            using var doc = JsonDocument.Parse(u.Payload);
            if (doc.RootElement.TryGetProperty("deviceSendTime", out var t)) sent = t.ValueKind == JsonValueKind.String ? t.GetString() : t.GetRawText();
        }
        catch (JsonException) { }
        var payload = JsonSerializer.SerializeToUtf8Bytes(new
        {
            deviceSendTime = sent ?? "",
            serverRecvTime = received.ToString(System.Globalization.CultureInfo.InvariantCulture),
            serverSendTime = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        downlink.Send(u.Session, u.Device.DeviceId, $"/ext/ntp/{u.Device.ProductKey}/{u.Device.DeviceName}/response", payload);
    }
}
