// The payloads a consumer group receives, in the formats Alibaba documents for server-side subscription ("Data
// formats"): the platform rewrites Alink messages into these; custom topics travel unchanged.
using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Thingyard.Connectivity;
using Thingyard.Telemetry;

namespace Thingyard.Server.Subscriptions;

public static class ForwardPayloads
{
    /// <summary>The device type Alibaba reports for a product without a standard category.</summary>
    const string CustomCategory = "CustomCategory";

    public static string PropertyTopic(DeviceIdentity d) => $"/{d.ProductKey}/{d.DeviceName}/thing/event/property/post";
    public static string EventTopic(DeviceIdentity d, string identifier) => $"/{d.ProductKey}/{d.DeviceName}/thing/event/{identifier}/post";
    public static string StatusTopic(DeviceIdentity d) => $"/as/mqtt/status/{d.ProductKey}/{d.DeviceName}";
    public static string LifecycleTopic(string productKey, string deviceName) => $"/{productKey}/{deviceName}/thing/lifecycle";
    public static string TopologyTopic(string productKey, string deviceName) => $"/{productKey}/{deviceName}/thing/topo/lifecycle";
    public static string BindingTopic(string productKey, string deviceName) => $"/{productKey}/{deviceName}/thing/enduser/binding";
    public static string DownlinkReplyTopic(DeviceIdentity d) => $"/{d.ProductKey}/{d.DeviceName}/thing/downlink/reply/message";

    /// <summary>{iotId, requestId, productKey, deviceName, gmtCreate, deviceType, items: {id: {value, time}}, checkFailedData}.</summary>
    public static byte[] Properties(DeviceIdentity d, string? requestId, long gmtCreate, IEnumerable<TelemetryEntry> properties) => Write(w =>
    {
        Device(w, d);
        w.WriteString("requestId", requestId ?? "");
        w.WriteNumber("gmtCreate", gmtCreate);
        w.WriteString("deviceType", CustomCategory);
        w.WriteStartObject("items");
        foreach (var p in properties)
        {
            w.WriteStartObject(p.Identifier!);
            w.WritePropertyName("value");
            w.WriteRawValue(p.Json!, skipInputValidation: true); // checked against the thing model on the way in
            w.WriteNumber("time", p.TimeMs);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        // Values outside the thing model are refused whole (460), so nothing ever fails the check here.
        w.WriteStartObject("checkFailedData");
        w.WriteEndObject();
    });

    /// <summary>{identifier, name, type, iotId, requestId, productKey, deviceName, gmtCreate, value: {...}, time}.</summary>
    public static byte[] Event(DeviceIdentity d, string? requestId, long gmtCreate, TelemetryEntry e, string? name) => Write(w =>
    {
        w.WriteString("identifier", e.Identifier);
        w.WriteString("name", name ?? e.Identifier);
        w.WriteString("type", e.Extra);
        Device(w, d);
        w.WriteString("requestId", requestId ?? "");
        w.WriteNumber("gmtCreate", gmtCreate);
        w.WritePropertyName("value");
        w.WriteRawValue(e.Json!, skipInputValidation: true);
        w.WriteNumber("time", e.TimeMs);
    });

    /// <summary>{status, iotId, productKey, deviceName, time, utcTime, lastTime, utcLastTime, clientIp}; times as the
    /// platform writes them ("yyyy-MM-dd HH:mm:ss.fff" in the server's zone, and ISO UTC).</summary>
    public static byte[] Status(DeviceIdentity d, bool online, long timeMs, long lastTimeMs, string? clientIp, TimeZoneInfo zone) => Write(w =>
    {
        w.WriteString("status", online ? "online" : "offline");
        Device(w, d);
        w.WriteString("time", Local(timeMs, zone));
        w.WriteString("utcTime", Utc(timeMs));
        w.WriteString("lastTime", Local(lastTimeMs, zone));
        w.WriteString("utcLastTime", Utc(lastTimeMs));
        w.WriteString("clientIp", clientIp ?? "");
    });

    /// <summary>{action, iotId, productKey, deviceName, deviceSecret ("" unless created), messageCreateTime}.</summary>
    public static byte[] Lifecycle(string action, string iotId, string productKey, string deviceName, string? deviceSecret, long timeMs) => Write(w =>
    {
        w.WriteString("action", action);
        w.WriteString("iotId", iotId);
        w.WriteString("productKey", productKey);
        w.WriteString("deviceName", deviceName);
        w.WriteString("deviceSecret", deviceSecret ?? "");
        w.WriteNumber("messageCreateTime", timeMs);
    });

    /// <summary>{action: bind|unbind|share|unshare|reset, iotId, productKey, deviceName, userId, role, messageCreateTime}:
    /// an end user bound, shared, left or unbound the device, or the device was reset (userId and role empty).</summary>
    public static byte[] Binding(Thingyard.EndUsers.BindingChange change, long timeMs) => Write(w =>
    {
        w.WriteString("action", change.Action);
        w.WriteString("iotId", change.Device.IotId);
        w.WriteString("productKey", change.Device.ProductKey);
        w.WriteString("deviceName", change.Device.DeviceName);
        w.WriteString("userId", change.UserId ?? "");
        w.WriteString("role", change.Role ?? "");
        w.WriteNumber("messageCreateTime", timeMs);
    });

    /// <summary>{action: create|delete, gwIotId, gwProductKey, gwDeviceName, devices: [{iotId, productKey, deviceName}],
    /// messageCreateTime}: sub-devices added to or removed from a gateway's topology.</summary>
    public static byte[] Topology(string action, Thingyard.Registry.Device gateway, IEnumerable<Thingyard.Registry.Device> subDevices, long timeMs) => Write(w =>
    {
        w.WriteString("action", action);
        w.WriteString("gwIotId", gateway.IotId);
        w.WriteString("gwProductKey", gateway.ProductKey);
        w.WriteString("gwDeviceName", gateway.DeviceName);
        w.WriteStartArray("devices");
        foreach (var d in subDevices)
        {
            w.WriteStartObject();
            w.WriteString("iotId", d.IotId);
            w.WriteString("productKey", d.ProductKey);
            w.WriteString("deviceName", d.DeviceName);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("messageCreateTime", timeMs);
    });

    /// <summary>{gmtCreate, iotId, productKey, deviceName, requestId, code, message, topic, data}: a device's answer to
    /// a downlink (property set, service call), with the topic the request went out on.</summary>
    public static byte[] DownlinkReply(DeviceIdentity d, string? requestId, long gmtCreate, int code, string? message, string requestTopic, string? dataJson) => Write(w =>
    {
        w.WriteNumber("gmtCreate", gmtCreate);
        Device(w, d);
        w.WriteString("requestId", requestId ?? "");
        w.WriteNumber("code", code);
        w.WriteString("message", message ?? (code == 200 ? "success" : ""));
        w.WriteString("topic", requestTopic);
        w.WritePropertyName("data");
        if (string.IsNullOrEmpty(dataJson)) { w.WriteStartObject(); w.WriteEndObject(); }
        else w.WriteRawValue(dataJson, skipInputValidation: true);
    });

    static void Device(Utf8JsonWriter w, DeviceIdentity d)
    {
        w.WriteString("iotId", d.IotId);
        w.WriteString("productKey", d.ProductKey);
        w.WriteString("deviceName", d.DeviceName);
    }

    static string Local(long ms, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    static string Utc(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // One buffer and writer per thread, reused: a new ArrayBufferWriter grew (and zeroed) its array two or three times
    // per message, which was most of what building a payload cost. A buffer grown past 64 KB (a large topology message)
    // is not kept.
    [ThreadStatic] static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] static Utf8JsonWriter? t_writer;

    static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        w.WriteStartObject();
        body(w);
        w.WriteEndObject();
        w.Flush();
        var payload = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024) (t_buffer, t_writer) = (null, null);
        return payload;
    }
}
