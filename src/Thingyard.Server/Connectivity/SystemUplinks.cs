// Uplinks every device may send whatever its product: NTP time requests and the answers to RRPC calls (on
// /sys/pk/dn/rrpc/response/{id}, or on the /ext/rrpc/{id}/... topic the call was made on).
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Thingyard.Telemetry;

namespace Thingyard.Server.Connectivity;

public sealed class SystemUplinks(Downlink downlink, TimeProvider time)
{
    public static void Routes(UplinkRoutes routes, IServiceProvider services)
    {
        var system = services.GetRequiredService<SystemUplinks>();
        routes.Raw("/sys/+/+/rrpc/response/{id}", u => system.RrpcResponse(u, u.RouteArg!))
            .Raw("/ext/rrpc/{id}/#", u => system.RrpcResponse(u, u.RouteArg!))
            .Text("/ext/ntp/+/+/request", system.Ntp);
    }

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
            serverRecvTime = received.ToString(CultureInfo.InvariantCulture),
            serverSendTime = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        });
        downlink.Send(u.Session, u.Device.DeviceId, $"/ext/ntp/{u.Device.ProductKey}/{u.Device.DeviceName}/response", payload);
    }
}
