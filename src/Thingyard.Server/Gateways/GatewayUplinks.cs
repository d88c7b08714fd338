// Gateway messages: topology add/delete/get, sub-device registration, and sub-device login/logout (single and batch)
// carried on the gateway's own connection. Each sub-device proves itself with an HMAC made with its own secret.
using System.Text.Json;
using Thingyard.Access;
using Thingyard.Connectivity;
using Thingyard.Gateways;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Telemetry;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Signing;

namespace Thingyard.Server.Gateways;

public sealed class GatewayUplinks(DeviceDirectory directory, Topology topology, SubDeviceRegistration registration, DeviceSessions sessions, Downlink downlink,
    TelemetryPipeline telemetry, MessageTap tap, IClusterSessions cluster, ILogger<GatewayUplinks> log)
{
    public const int MaxPerBatch = 50;

    sealed class Refusal(int code, string message) : Exception(message)
    {
        public int Code { get; } = code;
    }

    public static void Routes(UplinkRoutes routes, IServiceProvider services)
    {
        var g = services.GetRequiredService<GatewayUplinks>();
        routes.Alink("/sys/+/+/thing/topo/add", u => g.AsGatewayAsync(u, g.TopoAddAsync))
            .Alink("/sys/+/+/thing/topo/delete", u => g.AsGatewayAsync(u, g.TopoDeleteAsync))
            .Alink("/sys/+/+/thing/topo/get", u => g.AsGatewayAsync(u, g.TopoGetAsync))
            .Alink("/sys/+/+/thing/sub/register", u => g.AsGatewayAsync(u, g.SubRegisterAsync))
            .Alink("/sys/+/+/thing/proxy/provisioning/product_register", u => g.AsGatewayAsync(u, g.ProductRegisterAsync))
            .Alink("/ext/session/+/+/combine/login", u => g.AsGatewayAsync(u, u => g.LoginAsync(u, [u.Request!.Params], batch: false)))
            .Alink("/ext/session/+/+/combine/batch_login", u => g.AsGatewayAsync(u, u => g.LoginAsync(u, BatchList(u.Request!.Params, "deviceList"), batch: true)))
            .Alink("/ext/session/+/+/combine/logout", u => g.AsGatewayAsync(u, u => g.Logout(u, [u.Request!.Params], batch: false)))
            .Alink("/ext/session/+/+/combine/batch_logout", u => g.AsGatewayAsync(u, u => g.Logout(u, BatchList(u.Request!.Params, null), batch: true)))
            .Alink("/ext/session/+/+/combine/{action}", u => g.AsGatewayAsync(u, g.Unknown));
    }

    /// <summary>Runs a gateway action: only a gateway, on its own topics, may manage sub-devices; a refusal is answered
    /// with its code.</summary>
    async Task AsGatewayAsync(Uplink u, Func<Uplink, Task> action)
    {
        if (!u.Session.Device.IsGateway || u.Device != u.Session.Device)
        {
            u.Reply(downlink, AlinkCodes.BadParams, message: "only a gateway device may manage sub-devices");
            return;
        }
        try
        {
            await action(u);
        }
        catch (Refusal r)
        {
            log.LogInformation("Gateway {Gateway}: {Topic} refused: {Message}", u.Device, u.Topic, r.Message);
            u.Reply(downlink, r.Code, message: r.Message);
        }
    }

    void Unknown(Uplink u) => u.Reply(downlink, AlinkCodes.TopicParseError, message: $"unknown gateway topic {u.Topic}");

    Task AsGatewayAsync(Uplink u, Action<Uplink> action) => AsGatewayAsync(u, x => { action(x); return Task.CompletedTask; });

    static List<JsonElement> BatchList(JsonElement p, string? key)
    {
        var list = key is not null && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(key, out var l) ? l : p;
        if (list.ValueKind != JsonValueKind.Array) throw new Refusal(AlinkCodes.BadParams, key is null ? "params must be an array" : $"params.{key} must be an array");
        var items = list.EnumerateArray().ToList();
        if (items.Count is 0 or > MaxPerBatch) throw new Refusal(AlinkCodes.BadParams, $"a batch holds 1 to {MaxPerBatch} sub-devices");
        return items;
    }

    static string Text(JsonElement o, string name) =>
        o.ValueKind == JsonValueKind.Object && o.TryGetProperty(name, out var v)
            ? v.ValueKind == JsonValueKind.String ? v.GetString()! : v.ValueKind == JsonValueKind.Number ? v.GetRawText() : ""
            : "";

    async Task<DeviceCredential> SubDeviceAsync(Uplink u, JsonElement item)
    {
        var pk = Text(item, "productKey");
        var dn = Text(item, "deviceName");
        if (pk.Length == 0 || dn.Length == 0) throw new Refusal(AlinkCodes.BadParams, "productKey and deviceName are required");
        var sub = await directory.FindAsync(pk, dn);
        if (sub is null || !sub.Identity.IsVisibleTo(Caller.Device(u.Device))) throw new Refusal(AlinkCodes.DeviceNotFound, $"sub-device {pk}/{dn} does not exist");
        if (sub.Identity.DeviceId == u.Device.DeviceId) throw new Refusal(AlinkCodes.TopoSelf, "a gateway cannot be its own sub-device");
        return sub;
    }

    /// <summary>Checks a sub-device's sign: HMAC over every field but sign, signMethod and cleanSession, sorted, name+value.</summary>
    static void VerifySign(DeviceCredential sub, JsonElement item, string? batchSignMethod)
    {
        var signed = new Dictionary<string, string>(StringComparer.Ordinal);
        string? method = batchSignMethod, sign = null;
        foreach (var p in item.EnumerateObject())
        {
            var value = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            if (p.Name.Equals("sign", StringComparison.OrdinalIgnoreCase)) sign = value;
            else if (p.Name.Equals("signMethod", StringComparison.OrdinalIgnoreCase)) method = value;
            else if (!p.Name.Equals("cleanSession", StringComparison.OrdinalIgnoreCase)) signed[p.Name] = value;
        }
        if (string.IsNullOrEmpty(sign) || !DeviceSignature.Verify(sub.DeviceSecret, method, signed, sign))
            throw new Refusal(AlinkCodes.SignatureInvalid, $"sign of sub-device {sub.Identity} does not match");
    }

    async Task TopoAddAsync(Uplink u)
    {
        var items = BatchList(u.Request!.Params, null);
        var subs = new List<DeviceCredential>();
        foreach (var item in items)
        {
            var sub = await SubDeviceAsync(u, item);
            VerifySign(sub, item, null);
            subs.Add(sub);
        }
        try { await topology.AddAsync(u.Device.DeviceId, subs.Select(s => s.Identity.DeviceId).ToList()); }
        catch (InvalidOperationException e) { throw new Refusal(AlinkCodes.BadParams, e.Message); }
        u.Reply(downlink, AlinkCodes.Ok, w => WriteDevices(w, subs.Select(s => s.Identity)));
    }

    async Task TopoDeleteAsync(Uplink u)
    {
        var subs = new List<DeviceCredential>();
        foreach (var item in BatchList(u.Request!.Params, null)) subs.Add(await SubDeviceAsync(u, item));
        await topology.RemoveAsync(u.Device.DeviceId, subs.Select(s => s.Identity.DeviceId).ToList());
        foreach (var sub in subs) LogoutOne(u.Session, sub.Identity);
        u.Reply(downlink, AlinkCodes.Ok, w => WriteDevices(w, subs.Select(s => s.Identity)));
    }

    async Task TopoGetAsync(Uplink u)
    {
        var (devices, _) = await topology.SubDevicesAsync(u.Device.DeviceId, 0, Topology.MaxSubDevices);
        u.Reply(downlink, AlinkCodes.Ok, w =>
        {
            w.WriteStartArray();
            foreach (var d in devices)
            {
                w.WriteStartObject();
                w.WriteString("productKey", d.ProductKey);
                w.WriteString("deviceName", d.DeviceName);
                w.WriteString("iotId", d.IotId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>thing.sub.register: the gateway asks for pre-registered sub-devices' secrets; all are issued or none
    /// (SubDeviceRegistration has the rules).</summary>
    async Task SubRegisterAsync(Uplink u)
    {
        var requests = BatchList(u.Request!.Params, null).Select(i => new SubDeviceRegistration.Request(Text(i, "productKey"), Text(i, "deviceName"))).ToList();
        var results = await registration.RegisterAsync(u.Device, requests, allOrNothing: true);
        if (results.FirstOrDefault(r => !r.Ok) is { } refused) throw new Refusal(refused.Code, refused.Message);
        u.Reply(downlink, AlinkCodes.Ok, w =>
        {
            w.WriteStartArray();
            foreach (var r in results) WriteSecret(w, r, withIotId: true);
            w.WriteEndArray();
        });
    }

    /// <summary>thing.proxy.provisioning.product_register ("one secret per product" through the gateway, Python LinkKit and
    /// the C SDKs): params.proxieds[] = {productKey, deviceName, random, signMethod, sign}; the reply lists successes
    /// (with secrets) and failures (with errorDetail) as the SDKs parse them.</summary>
    async Task ProductRegisterAsync(Uplink u)
    {
        var p = u.Request!.Params;
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("proxieds", out _)) throw new Refusal(AlinkCodes.BadParams, "params.proxieds must be an array");
        var requests = BatchList(p, "proxieds").Select(i => new SubDeviceRegistration.Request(Text(i, "productKey"), Text(i, "deviceName"),
            new SubDeviceRegistration.ProductSign(Text(i, "random"), Text(i, "signMethod") is { Length: > 0 } m ? m : Text(i, "signmethod"), Text(i, "sign")))).ToList();
        var results = await registration.RegisterAsync(u.Device, requests, allOrNothing: false);
        foreach (var r in results.Where(r => !r.Ok)) log.LogInformation("Gateway {Gateway}: product_register of {ProductKey}/{DeviceName} refused", u.Device, r.ProductKey, r.DeviceName);
        u.Reply(downlink, AlinkCodes.Ok, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("successes");
            foreach (var r in results.Where(r => r.Ok)) WriteSecret(w, r, withIotId: false);
            w.WriteEndArray();
            w.WriteStartArray("failures");
            foreach (var r in results.Where(r => !r.Ok))
            {
                w.WriteStartObject();
                w.WriteString("productKey", r.ProductKey);
                w.WriteString("deviceName", r.DeviceName);
                w.WriteStartObject("errorDetail");
                w.WriteString("code", r.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                w.WriteString("message", r.Message);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    static void WriteSecret(Utf8JsonWriter w, RegistrationResult r, bool withIotId)
    {
        w.WriteStartObject();
        if (withIotId) w.WriteString("iotId", r.IotId);
        w.WriteString("productKey", r.ProductKey);
        w.WriteString("deviceName", r.DeviceName);
        w.WriteString("deviceSecret", r.DeviceSecret);
        w.WriteEndObject();
    }

    /// <summary>Login succeeds or fails as a whole: every sub-device must be in the topology, enabled and correctly signed.</summary>
    async Task LoginAsync(Uplink u, List<JsonElement> items, bool batch)
    {
        var batchMethod = batch && u.Request!.Params.ValueKind == JsonValueKind.Object ? Text(u.Request.Params, "signMethod") : null;
        var subs = new List<DeviceCredential>();
        foreach (var item in items)
        {
            if (item.ValueKind != JsonValueKind.Object) throw new Refusal(AlinkCodes.BadParams, "each sub-device must be an object");
            var sub = await SubDeviceAsync(u, item);
            VerifySign(sub, item, string.IsNullOrEmpty(batchMethod) ? null : batchMethod);
            if (sub.Status == DeviceStatus.Disabled) throw new Refusal(AlinkCodes.DeviceDisabled, $"sub-device {sub.Identity} is disabled");
            if (!await topology.IsLinkedAsync(u.Device.DeviceId, sub.Identity.DeviceId))
                throw new Refusal(AlinkCodes.TopoMissing, $"sub-device {sub.Identity} is not in this gateway's topology");
            subs.Add(sub);
        }
        foreach (var sub in subs)
        {
            // A sub-device logged in elsewhere (another gateway, or directly) moves here.
            if (sessions.Route(sub.Identity.DeviceId) is { } other && other != u.Session) sessions.LogoutSubDevice(other, sub.Identity.ProductKey, sub.Identity.DeviceName);
            sessions.LoginSubDevice(u.Session, sub.Identity);
            if (cluster.Enabled) await cluster.ClaimAsync(u.Session, sub.Identity.DeviceId);
            await telemetry.WriteAsync(TelemetryEntry.Online(sub.Identity.DeviceId, u.NowMs, u.Session.Ip, cluster.Node));
            tap.Note(sub.Identity.DeviceId, $"online via gateway {u.Device}");
        }
        u.Reply(downlink, AlinkCodes.Ok, w =>
        {
            if (batch) WriteDevices(w, subs.Select(s => s.Identity));
            else
            {
                w.WriteStartObject();
                w.WriteString("productKey", subs[0].Identity.ProductKey);
                w.WriteString("deviceName", subs[0].Identity.DeviceName);
                w.WriteEndObject();
            }
        });
    }

    void Logout(Uplink u, List<JsonElement> items, bool batch)
    {
        var done = new List<DeviceIdentity>();
        foreach (var item in items)
        {
            var pk = Text(item, "productKey");
            var dn = Text(item, "deviceName");
            if (!u.Session.SubDevices.TryGetValue((pk, dn), out var sub))
                throw new Refusal(AlinkCodes.SubDeviceSessionMissing, $"sub-device {pk}/{dn} is not logged in on this gateway");
            done.Add(sub);
        }
        foreach (var sub in done) LogoutOne(u.Session, sub);
        u.Reply(downlink, AlinkCodes.Ok, w =>
        {
            if (batch) WriteDevices(w, done);
            else
            {
                w.WriteStartObject();
                w.WriteString("productKey", done[0].ProductKey);
                w.WriteString("deviceName", done[0].DeviceName);
                w.WriteEndObject();
            }
        });
    }

    /// <summary>Takes a sub-device offline on this gateway connection (logout, topology removal, gateway gone).</summary>
    public void LogoutOne(DeviceSession gateway, DeviceIdentity sub)
    {
        if (!sessions.LogoutSubDevice(gateway, sub.ProductKey, sub.DeviceName)) return;
        _ = OfflineAsync(gateway, sub);
    }

    async Task OfflineAsync(DeviceSession gateway, DeviceIdentity sub)
    {
        if (cluster.Enabled && !await cluster.ReleaseAsync(gateway, sub.DeviceId)) return; // online through a gateway on another node
        await telemetry.WriteAsync(TelemetryEntry.Offline(sub.DeviceId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        tap.Note(sub.DeviceId, "offline");
    }

    static void WriteDevices(Utf8JsonWriter w, IEnumerable<DeviceIdentity> devices)
    {
        w.WriteStartArray();
        foreach (var d in devices)
        {
            w.WriteStartObject();
            w.WriteString("productKey", d.ProductKey);
            w.WriteString("deviceName", d.DeviceName);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}
