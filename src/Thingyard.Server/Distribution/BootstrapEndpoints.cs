// Device bootstrap (POST /auth/bootstrap, GET /auth/bootstrap/regionId/{regionId}) and the peer-only lookups under
// /internal/federation. Device answers carry a Content-Length (DeviceJson) and stay far under the C SDK's 192-byte buffer.
using Thingyard.Distribution;
using Thingyard.Server.Connectivity;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Distribution;

public static class BootstrapEndpoints
{
    /// <summary>The C SDK reads the bootstrap answer into 192 bytes (with its terminating NUL).</summary>
    const int MaxAnswerBytes = 191;

    public static void MapDistribution(this WebApplication app)
    {
        app.BufferPeerBodies();
        app.MapPost("/auth/bootstrap", BootstrapAsync).DisableAntiforgery().ExcludeFromDescription();
        app.MapGet("/auth/bootstrap/regionId/{regionId}", ByRegion).ExcludeFromDescription();
        var peers = app.MapGroup("/internal/federation").AddEndpointFilter<PeerAuthFilter>().ExcludeFromDescription();
        peers.MapGet("/locate", async (string productKey, string deviceName, BootstrapService bootstrap, CancellationToken ct) =>
            await bootstrap.LocateHereAsync(productKey, deviceName, ct) is { } where ? Results.Ok(where) : Results.NotFound());
        peers.MapPost("/products", (ProductCopy copy, DistributionReceiver receiver, CancellationToken ct) =>
            Refusable(async () => { await receiver.ReceiveProductAsync(copy, ct); return new { }; }));
        peers.MapPost("/devices", (DevicesCopy copy, DistributionReceiver receiver, CancellationToken ct) =>
            Refusable(() => receiver.ReceiveDevicesAsync(copy, ct)));
        peers.MapPost("/devices/recall", (DevicesRecall recall, DistributionReceiver receiver, CancellationToken ct) =>
            Refusable(async () => new { removed = await receiver.RecallDevicesAsync(recall, ct) }));
        peers.MapPost("/auth-codes", (AuthCodeRequest request, DistributionReceiver receiver, Notifications notifications, CancellationToken ct) =>
            Refusable(async () =>
            {
                var (accountId, _) = await receiver.IssueCodeAsync(request, ct);
                await notifications.DeliverPendingAsync(accountId, ct);
                return new { issued = true };
            }));
        peers.MapPost("/auth-codes/use", (AuthCodeUse use, DistributionReceiver receiver, CancellationToken ct) =>
            Refusable(async () => { await receiver.ConsumeCodeAsync(use, ct); return new { }; }));
        app.MapGet("/distribution/results/{jobId}.csv", ResultLinks.DownloadAsync).ExcludeFromDescription();
    }

    /// <summary>A receiver's refusal is a 409 with the reason, which the distributing instance records per job or device.</summary>
    static async Task<IResult> Refusable<T>(Func<Task<T>> work)
    {
        try { return Results.Ok(await work()); }
        catch (DistributionRefusedException e) { return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Refused", detail: e.Message); }
    }

    static async Task<IResult> BootstrapAsync(HttpContext http, BootstrapService bootstrap, DeviceLocator locator, ILogger<BootstrapService> log)
    {
        if (!http.Request.HasFormContentType)
            return DeviceJson.Refusal(AlinkCodes.BadParams, "send productKey and deviceName as a form");
        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        var pk = form["productKey"].ToString();
        var dn = form["deviceName"].ToString();
        if (pk.Length == 0 || dn.Length == 0) return DeviceJson.Refusal(AlinkCodes.BadParams, "productKey and deviceName are required");
        var address = locator.ClientAddress(http);
        var target = await bootstrap.ResolveAsync(pk, dn, address, http.Request.Host.Host, http.RequestAborted);
        log.LogDebug("Bootstrap {ProductKey}/{DeviceName} from {Address} -> {Instance} {Host}:{Port}", pk, dn, address, target.InstanceId, target.MqttHost, target.MqttPort);
        return Endpoint(target.MqttHost, target.MqttPort);
    }

    /// <summary>An SDK configured with a region asks for that region's endpoint (no device is named).</summary>
    static IResult ByRegion(string regionId, HttpContext http, InstanceDirectory instances)
    {
        var self = instances.Self(http.Request.Host.Host);
        var target = self.RegionId == regionId ? self : instances.Peers.FirstOrDefault(p => p.RegionId == regionId);
        return target is null
            ? DeviceJson.Refusal(AlinkCodes.BadParams, $"no instance in region {regionId}", MaxAnswerBytes)
            : Endpoint(target.MqttHost, target.MqttPort);
    }

    static IResult Endpoint(string host, int port) =>
        new DeviceJson(new { code = 200, data = new { resources = new { mqtt = new { host, port } } }, message = "success" });
}
