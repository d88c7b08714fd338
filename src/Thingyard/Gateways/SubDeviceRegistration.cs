// Sub-device dynamic registration through a gateway: thing.sub.register (the gateway vouches for a pre-registered
// name) and proxy/provisioning/product_register (each entry signed with the product secret, "one secret per product").
// The platform's rules: only for sub-device products (node type device with a gateway protocol) of the gateway's own
// account that have dynamic registration on, and only for pre-registered devices that are neither activated nor
// disabled. Every refusal reads the same, so a gateway cannot learn which names or products exist.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Connectivity;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Protocol.Alink;

namespace Thingyard.Gateways;

public sealed class SubDeviceRegistration(IDbContextFactory<ThingyardDb> dbs, DeviceChanges changes, TimeProvider time)
{
    /// <summary>The product secret proof of product_register: HMAC(productSecret, "deviceName{dn}productKey{pk}random{r}").</summary>
    public sealed record ProductSign(string Random, string? SignMethod, string Sign);

    public static bool IsSubDeviceProduct(Product p) => p.NodeType == 0 && !string.IsNullOrEmpty(p.ProtocolType);

    public sealed record Request(string ProductKey, string DeviceName, ProductSign? Sign = null);

    /// <summary>Issues a fresh secret to each allowed entry (only the latest is valid, as with HTTPS registration); the
    /// others get the uniform refusal. <paramref name="allOrNothing"/> (thing.sub.register): one refusal refuses the batch
    /// and no secret changes.</summary>
    public async Task<List<RegistrationResult>> RegisterAsync(DeviceIdentity gateway, IReadOnlyList<Request> requests, bool allOrNothing,
        CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var results = new List<RegistrationResult>(requests.Count);
        var issued = new List<Device>();
        foreach (var r in requests)
        {
            var device = await AllowedAsync(db, gateway, r, ct);
            if (device is null || issued.Contains(device))
            {
                results.Add(Refused(r));
                continue;
            }
            device.DeviceSecret = Ids.DeviceSecret();
            device.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            issued.Add(device);
            results.Add(new(AlinkCodes.Ok, "success", r.ProductKey, r.DeviceName, DeviceSecret: device.DeviceSecret, IotId: device.IotId));
        }
        if (issued.Count == 0 || (allOrNothing && issued.Count < requests.Count)) return results;
        await db.SaveChangesAsync(ct);
        foreach (var device in issued) changes.Publish(DeviceChangeKind.SecretChanged, device);
        return results;
    }

    public static RegistrationResult Refused(Request r) => new(AlinkCodes.DeviceNotFound,
        $"{r.ProductKey}/{r.DeviceName} cannot be registered through this gateway: only pre-registered, unactivated devices of " +
        "sub-device products of this account with dynamic registration on can", r.ProductKey, r.DeviceName);

    async Task<Device?> AllowedAsync(ThingyardDb db, DeviceIdentity gateway, Request r, CancellationToken ct)
    {
        if (r.ProductKey.Length == 0 || r.DeviceName.Length == 0) return null;
        var product = await db.Products.FirstOrDefaultAsync(p => p.ProductKey == r.ProductKey, ct);
        if (product is null || !product.IsVisibleTo(Caller.Device(gateway)) || !IsSubDeviceProduct(product) || !product.DynamicRegistration
            || product.IsDistributedCopy)
            return null;
        if (r.Sign is { } sign)
        {
            if (sign.Random.Length == 0
                || !DynamicRegistration.ProductSignMatches(product.ProductSecret, r.ProductKey, r.DeviceName, sign.Random, sign.SignMethod, sign.Sign))
                return null;
        }
        var device = await db.Devices.FirstOrDefaultAsync(d => d.ProductId == product.Id && d.DeviceName == r.DeviceName, ct);
        if (device is null || device.ActivatedAtMs is not null || device.Status == DeviceStatus.Disabled) return null;
        return await db.DeviceDistributions.AnyAsync(d => d.DeviceId == device.Id, ct) ? null : device;
    }
}
