// Device bootstrap (POST /auth/bootstrap, GET /auth/bootstrap/regionId/{regionId}) and the peer-only lookups under
// /internal/federation. The bootstrap answer stays far under the C SDK's 192-byte buffer.
using Thingyard.Alink;

namespace Thingyard.Server.Distribution;

public static class BootstrapEndpoints
{
    public static void MapDistribution(this WebApplication app)
    {
        app.MapPost("/auth/bootstrap", BootstrapAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/auth/bootstrap/regionId/{regionId}", ByRegion).ExcludeFromDescription();
        var peers = app.MapGroup("/internal/federation").AddEndpointFilter<PeerAuthFilter>().ExcludeFromDescription();
        peers.MapGet("/locate", async (string productKey, string deviceName, BootstrapService bootstrap, CancellationToken ct) =>
            await bootstrap.LocateHereAsync(productKey, deviceName, ct) is { } where ? Results.Ok(where) : Results.NotFound());
    }

    static async Task<IResult> BootstrapAsync(HttpContext http, BootstrapService bootstrap, DeviceLocator locator, ILogger<BootstrapService> log)
    {
        if (!http.Request.HasFormContentType)
            return Results.Json(new { code = AlinkCodes.BadParams, message = "send productKey and deviceName as a form" });
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var pk = form["productKey"].ToString();
        var dn = form["deviceName"].ToString();
        if (pk.Length == 0 || dn.Length == 0) return Results.Json(new { code = AlinkCodes.BadParams, message = "productKey and deviceName are required" });
        var address = locator.ClientAddress(http);
        var target = await bootstrap.ResolveAsync(pk, dn, address, http.Request.Host.Host, http.RequestAborted);
        if (target is null)
        {
            log.LogInformation("Bootstrap for unknown device {ProductKey}/{DeviceName} from {Address}", pk, dn, address);
            return Results.Json(new { code = AlinkCodes.DeviceNotFound, message = "device not found" });
        }
        log.LogInformation("Bootstrap {ProductKey}/{DeviceName} from {Address} -> {Instance} {Host}:{Port}", pk, dn, address, target.InstanceId, target.MqttHost, target.MqttPort);
        return Endpoint(target.MqttHost, target.MqttPort);
    }

    /// <summary>An SDK configured with a region asks for that region's endpoint (no device is named).</summary>
    static IResult ByRegion(string regionId, HttpContext http, InstanceDirectory instances)
    {
        var self = instances.Self(http.Request.Host.Host);
        var target = self.RegionId == regionId ? self : instances.Peers.FirstOrDefault(p => p.RegionId == regionId);
        return target is null
            ? Results.Json(new { code = AlinkCodes.BadParams, message = $"no instance in region {regionId}" })
            : Endpoint(target.MqttHost, target.MqttPort);
    }

    static IResult Endpoint(string host, int port) =>
        Results.Json(new { code = 200, data = new { resources = new { mqtt = new { host, port } } }, message = "success" });
}
