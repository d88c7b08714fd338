// What devices say about their end users, on the topics the C Link SDK's bind module uses: the bind token it reports
// after provisioning (thing.awss.enrollee.match) and a factory reset (thing.reset), which unbinds everyone.
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.EndUsers;
using Thingyard.Protocol.Alink;
using Thingyard.Server.Connectivity;
using Thingyard.Storage;

namespace Thingyard.Server.EndUsers;

public sealed class BindingUplinks(Downlink downlink, IServiceScopeFactory scopes, ILogger<BindingUplinks> log)
{
    public static void Routes(UplinkRoutes routes, IServiceProvider services)
    {
        var uplinks = services.GetRequiredService<BindingUplinks>();
        routes.Alink("/sys/+/+/thing/awss/enrollee/match", uplinks.TokenAsync)
            .Alink("/sys/+/+/thing/reset", uplinks.ResetAsync);
    }

    /// <summary>{"params":{"token":"4786F0F6E1CC7BF86017FD4D1429EE4F"}}: kept for <see cref="EndUserDevices.TokenLifetime"/>.</summary>
    async Task TokenAsync(Uplink u)
    {
        var p = u.Request!.Params;
        if (p.ValueKind != JsonValueKind.Object || !p.TryGetProperty("token", out var t) || t.ValueKind != JsonValueKind.String)
        {
            Reject(u, "params.token must be the bind token (a string)");
            return;
        }
        await using var scope = scopes.CreateAsyncScope();
        try { await scope.ServiceProvider.GetRequiredService<EndUserDevices>().ReportTokenAsync(u.Device.DeviceId, t.GetString()!); }
        catch (IotException e)
        {
            Reject(u, e.Message);
            return;
        }
        log.LogInformation("{Device} reported a bind token", u.Device);
        u.Reply(downlink, AlinkCodes.Ok, w => { w.WriteStartObject(); w.WriteEndObject(); });
    }

    async Task ResetAsync(Uplink u)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ThingyardDb>();
        var device = await db.Devices.AsNoTracking().FirstOrDefaultAsync(d => d.Id == u.Device.DeviceId);
        if (device is not null)
        {
            var removed = await scope.ServiceProvider.GetRequiredService<EndUserDevices>().ResetAsync(device);
            log.LogInformation("{Device} was reset: {Removed} bindings removed", u.Device, removed);
        }
        u.Reply(downlink, AlinkCodes.Ok, w => { w.WriteStartObject(); w.WriteEndObject(); });
    }

    void Reject(Uplink u, string message)
    {
        log.LogInformation("Rejected {Method} from {Device}: {Message}", u.Request?.Method, u.Device, message);
        u.Reply(downlink, AlinkCodes.BadParams, message: message);
    }
}
