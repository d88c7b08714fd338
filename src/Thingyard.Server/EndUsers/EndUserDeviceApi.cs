// The end users' devices (`/app/v1/devices`, `/app/v1/alarms`): bind, list by room, the panel from the product's HMI,
// control, history, family sharing, unbind; what the consumer app and proprietary apps call for a signed-in end user.
// Every call re-reads the caller's binding, so a member removed by the owner is refused on the very next request.
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Thingyard.Alarms;
using Thingyard.Common;
using Thingyard.EndUsers;
using Thingyard.Lifecycle;
using Thingyard.Protocol.Tsl;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Registry;
using Thingyard.Server.Things;
using Thingyard.Storage;
using Thingyard.Telemetry;

namespace Thingyard.Server.EndUsers;

public sealed record BindRequest(string ProductKey, string? DeviceName, string? Token, string? Code);
public sealed record DeviceLabels(string? Room, string? Nickname);
public sealed record PropertySet(JsonElement Items);
public sealed record InviteRequest(string Login);
public sealed record InvitationAnswer(bool Accept);

public sealed record AppDevice(string IotId, string ProductKey, string DeviceName, string ProductName, string? Nickname, string? Room, string Role,
    bool Pending, string Status);
public sealed record AppDeviceList(IReadOnlyList<AppDevice> Devices, IReadOnlyList<AppDevice> Invitations);
public sealed record AppProperty(string Identifier, string? Value, long? Time);
public sealed record AppDeviceDetail(AppDevice Device, IReadOnlyList<AppProperty> Properties);
public sealed record AppPanel(JsonElement? Panel, JsonElement ThingModel);
public sealed record AppSample(long Time, string Value);
public sealed record AppAlarm(long Id, string IotId, string DeviceName, string RuleName, string Severity, string State, string? Identifier, string? Value,
    int Count, long FirstAt, long LastAt);

public static class EndUserDeviceApi
{
    public static RouteGroupBuilder MapEndUserDeviceApi(this RouteGroupBuilder group)
    {
        group.MapGet("/devices", List).WithSummary("The signed-in user's devices (by room) and the invitations waiting for an answer");
        group.MapPost("/devices/bind", Bind).WithSummary("Bind a device as its owner, with the token it reported or the code printed on it");
        group.MapGet("/devices/{iotId}", Get).WithSummary("A device with its latest property values");
        group.MapPatch("/devices/{iotId}", Update).WithSummary("File the device in a room, or give it a name of one's own");
        group.MapDelete("/devices/{iotId}", Unbind).WithSummary("Unbind (the owner: everyone loses it) or leave (a member)");
        group.MapGet("/devices/{iotId}/panel", Panel).WithSummary("The product's released HMI panel and its thing model (TSL)");
        group.MapPut("/devices/{iotId}/properties", SetProperties).WithSummary("Set writable properties (thing.service.property.set)");
        group.MapPost("/devices/{iotId}/services/{identifier}", Invoke).WithSummary("Call a service of the device");
        group.MapGet("/devices/{iotId}/history", History).WithSummary("A property's values over a time range");
        group.MapGet("/devices/{iotId}/members", Members).WithSummary("Who has the device (the owner only)");
        group.MapPost("/devices/{iotId}/members", Invite).WithSummary("Invite another end user of the project (the owner only)");
        group.MapDelete("/devices/{iotId}/members/{userId}", RemoveMember).WithSummary("Remove a member or withdraw an invitation (the owner only)");
        group.MapPost("/devices/{iotId}/invitation", Answer).WithSummary("Accept or decline an invitation to a device");
        group.MapGet("/alarms", Alarms).WithSummary("Alarms of the user's devices, newest first");
        return group;
    }

    static async Task<Ok<AppDeviceList>> List(HttpContext http, EndUserDevices devices, DeviceSessions sessions, CancellationToken ct)
    {
        var (bound, invitations) = await devices.ListAsync(EndUserAuth.User(http), ct);
        return TypedResults.Ok(new AppDeviceList(bound.Select(d => Shape(d, sessions)).ToList(), invitations.Select(d => Shape(d, sessions)).ToList()));
    }

    static async Task<Ok<AppDevice>> Bind(HttpContext http, EndUserDevices devices, DeviceSessions sessions, BindRequest body, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(body.ProductKey)) throw IotException.Invalid("productKey is required.");
        var bound = await devices.BindDeviceAsync(EndUserAuth.User(http), body.ProductKey.Trim(), body.DeviceName?.Trim(), body.Token?.Trim(), body.Code?.Trim(), ct);
        return TypedResults.Ok(Shape(bound, sessions));
    }

    static async Task<Ok<AppDeviceDetail>> Get(HttpContext http, EndUserDevices devices, DeviceSessions sessions, IDbContextFactory<ThingyardDb> dbs, string iotId,
        CancellationToken ct)
    {
        var bound = await devices.GetAsync(EndUserAuth.User(http), iotId, ct);
        var latest = await new TelemetryQueries(dbs).LatestAsync(bound.Device.Id, ct);
        return TypedResults.Ok(new AppDeviceDetail(Shape(bound, sessions),
            latest.Select(p => new AppProperty(p.Identifier, TelemetryRpc.ValueText(p.Value), p.TimeMs)).ToList()));
    }

    static async Task<Ok<AppDevice>> Update(HttpContext http, EndUserDevices devices, DeviceSessions sessions, string iotId, DeviceLabels body, CancellationToken ct) =>
        TypedResults.Ok(Shape(await devices.UpdateAsync(EndUserAuth.User(http), iotId, body.Room, body.Nickname, ct), sessions));

    static async Task<NoContent> Unbind(HttpContext http, EndUserDevices devices, string iotId, CancellationToken ct)
    {
        await devices.UnbindAsync(EndUserAuth.User(http), iotId, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The latest panel (the locked one, since the product is released) and the published thing model in TSL.</summary>
    static async Task<Ok<AppPanel>> Panel(HttpContext http, EndUserDevices devices, ProductPanels panels, ModelCache models, string iotId, CancellationToken ct)
    {
        var bound = await devices.GetAsync(EndUserAuth.User(http), iotId, ct);
        var panel = await panels.GetAsync(bound.Product, null, ct);
        var model = await models.GetAsync(bound.Product.Id);
        using var tsl = JsonDocument.Parse(TslWriter.ToTslJson(model, bound.Product.ProductKey));
        JsonElement? definition = null;
        if (panel is not null)
        {
            using var doc = JsonDocument.Parse(panel.DefinitionJson);
            definition = doc.RootElement.Clone();
        }
        return TypedResults.Ok(new AppPanel(definition, tsl.RootElement.Clone()));
    }

    static async Task<Ok<MessageSent>> SetProperties(HttpContext http, EndUserDevices devices, ThingCommands commands, string iotId, PropertySet body, CancellationToken ct)
    {
        var bound = await devices.GetAsync(EndUserAuth.User(http), iotId, ct);
        if (body.Items.ValueKind != JsonValueKind.Object) throw IotException.Invalid("items must be an object of property values.");
        return TypedResults.Ok(new MessageSent(await commands.SetPropertiesAsync(bound.Device, body.Items.GetRawText(), ct)));
    }

    static async Task<Ok<ServiceAnswer>> Invoke(HttpContext http, EndUserDevices devices, ThingCommands commands, string iotId, string identifier,
        JsonElement? body, CancellationToken ct)
    {
        var bound = await devices.GetAsync(EndUserAuth.User(http), iotId, ct);
        var args = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("args", out var a) ? a.GetRawText() : "{}";
        var outcome = await commands.InvokeServiceAsync(bound.Device, identifier, args, ct);
        return TypedResults.Ok(new ServiceAnswer(outcome.MessageId, outcome.Reply?.Code, outcome.Reply?.DataJson));
    }

    /// <summary>?identifier=&amp;from=&amp;to= (UTC ms; the last 24 hours by default), oldest first, at most 500 values.</summary>
    static async Task<Ok<List<AppSample>>> History(HttpContext http, EndUserDevices devices, IDbContextFactory<ThingyardDb> dbs, TimeProvider time, string iotId,
        string identifier, long? from, long? to, CancellationToken ct)
    {
        var bound = await devices.GetAsync(EndUserAuth.User(http), iotId, ct);
        var end = to ?? time.GetUtcNow().ToUnixTimeMilliseconds();
        var page = await new TelemetryQueries(dbs).PropertyAsync(bound.Device.Id, identifier, TimeRange.Between(from ?? end - 86_400_000, end), asc: true, 500, ct);
        return TypedResults.Ok(page.Rows.Select(r => new AppSample(r.TimeMs, TelemetryRpc.ValueText(r.Value))).ToList());
    }

    static async Task<Ok<List<DeviceMember>>> Members(HttpContext http, EndUserDevices devices, string iotId, CancellationToken ct) =>
        TypedResults.Ok(await devices.MembersAsync(EndUserAuth.User(http), iotId, ct));

    static async Task<Ok<DeviceMember>> Invite(HttpContext http, EndUserDevices devices, string iotId, InviteRequest body, CancellationToken ct) =>
        TypedResults.Ok(await devices.InviteAsync(EndUserAuth.User(http), iotId, body.Login ?? "", ct));

    static async Task<NoContent> RemoveMember(HttpContext http, EndUserDevices devices, string iotId, string userId, CancellationToken ct)
    {
        await devices.RemoveMemberAsync(EndUserAuth.User(http), iotId, userId, ct);
        return TypedResults.NoContent();
    }

    static async Task<NoContent> Answer(HttpContext http, EndUserDevices devices, string iotId, InvitationAnswer body, CancellationToken ct)
    {
        await devices.AnswerAsync(EndUserAuth.User(http), iotId, body.Accept, ct);
        return TypedResults.NoContent();
    }

    /// <summary>The last 50 alarms of the devices the user has (the app shows them and notifies of new active ones).</summary>
    static async Task<Ok<List<AppAlarm>>> Alarms(HttpContext http, ThingyardDb db, CancellationToken ct)
    {
        var user = EndUserAuth.User(http);
        var alarms = await (from a in db.Alarms.AsNoTracking()
                            join b in db.DeviceBindings.AsNoTracking() on a.DeviceId equals b.DeviceId
                            where b.EndUserId == user.Id && !b.Pending
                            orderby a.LastAtMs descending
                            select a).Take(50).ToListAsync(ct);
        return TypedResults.Ok(alarms.Select(a => new AppAlarm(a.Id, a.IotId, a.DeviceName, a.RuleName, a.Severity.ToString(), a.State.ToString(), a.Identifier,
            a.LastValue, a.Count, a.FirstAtMs, a.LastAtMs)).ToList());
    }

    static AppDevice Shape(BoundDevice d, DeviceSessions sessions) =>
        new(d.Device.IotId, d.Device.ProductKey, d.Device.DeviceName, d.Product.Name, d.Binding.Nickname ?? d.Device.Nickname, d.Binding.Room,
            d.Binding.Role, d.Binding.Pending, DeviceRpc.LiveStatus(d.Device, sessions));
}

public sealed record MessageSent(string MessageId);
public sealed record ServiceAnswer(string MessageId, int? Code, string? Data);
