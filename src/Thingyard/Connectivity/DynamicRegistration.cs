// "One secret per product": a device proves it knows its product's secret and receives its own DeviceSecret
// (pre-registered devices, HTTPS or MQTT authType=register) or a DeviceToken (registration-free, MQTT authType=regnwl).
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Signing;

namespace Thingyard.Connectivity;

public sealed record RegistrationResult(int Code, string Message, string ProductKey, string DeviceName,
    string? DeviceSecret = null, string? DeviceToken = null, string? ClientId = null, string? IotId = null)
{
    public bool Ok => Code == AlinkCodes.Ok;
}

public sealed class DynamicRegistration(IDbContextFactory<ThingyardDb> dbs, DeviceChanges changes, TimeProvider time)
{
    public const int ProductDisabled = 6288;
    public const int AlreadyActivated = 6289;

    // Signs for an unknown product are checked against this (nobody knows it), so that answer costs and reads the same.
    static readonly string UnknownProductSecret = Ids.ProductSecret();

    /// <summary>The "one secret per product" proof, over HTTPS, MQTT and a gateway's product_register alike:
    /// sign = HMAC(productSecret, "deviceName{dn}productKey{pk}random{r}"), declared method first, then SHA-1 (which the
    /// JS SDK always uses).</summary>
    public static bool ProductSignMatches(string productSecret, string productKey, string deviceName, string random, string? signMethod, string sign) =>
        DeviceSignature.Verify(productSecret, signMethod, DeviceSignature.RegistrationFields(productKey, deviceName, random), sign);

    /// <summary>Registers with the product-secret proof (<see cref="ProductSignMatches"/>).</summary>
    public async Task<RegistrationResult> RegisterAsync(string productKey, string deviceName, string random, string? signMethod, string sign,
        bool registrationFree, CancellationToken ct = default)
    {
        RegistrationResult Fail(int code, string message) => new(code, message, productKey, deviceName);
        if (productKey.Length == 0 || deviceName.Length == 0 || random.Length == 0 || sign.Length == 0)
            return Fail(AlinkCodes.BadParams, "productKey, deviceName, random and sign are required");

        await using var db = await dbs.CreateDbContextAsync(ct);
        var product = await db.Products.FirstOrDefaultAsync(p => p.ProductKey == productKey, ct);
        // Without the product secret a caller learns nothing: an unknown product reads exactly like a bad sign. Only a
        // valid sign earns a specific reason (switched off, unknown device, already activated).
        if (!ProductSignMatches(product?.ProductSecret ?? UnknownProductSecret, productKey, deviceName, random, signMethod, sign) || product is null)
            return Fail(AlinkCodes.SignatureInvalid, "sign does not match the product secret");
        if (!product.DynamicRegistration) return Fail(ProductDisabled, $"dynamic registration is turned off for product {productKey}");

        var device = await db.Devices.FirstOrDefaultAsync(d => d.ProductKey == productKey && d.DeviceName == deviceName, ct);
        if (device is null)
        {
            if (!registrationFree) return Fail(AlinkCodes.DeviceNotFound, $"device {deviceName} is not registered in product {productKey}");
            try { NameRules.CheckDeviceName(deviceName); }
            catch (IotException e) { return Fail(AlinkCodes.BadParams, e.Message); }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            device = new Device
            {
                AccountId = product.AccountId, ProductId = product.Id, ProductKey = productKey, DeviceName = deviceName,
                DeviceSecret = Ids.DeviceSecret(), IotId = Ids.IotId(), CreatedAtMs = now, ModifiedAtMs = now,
            };
            db.Devices.Add(device);
        }
        else if (device.ActivatedAtMs is not null || device.Status == DeviceStatus.Disabled)
            return Fail(AlreadyActivated, $"device {deviceName} is already activated (or disabled); reset it before registering again");

        // Only the latest secret or token is valid: each registration issues a new one.
        device.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (registrationFree) device.DeviceToken = Ids.Alphanumeric(32);
        else device.DeviceSecret = Ids.DeviceSecret();
        await db.SaveChangesAsync(ct);
        changes.Publish(DeviceChangeKind.SecretChanged, device);
        return registrationFree
            ? new(AlinkCodes.Ok, "success", productKey, deviceName, DeviceToken: device.DeviceToken, ClientId: $"{productKey}.{deviceName}")
            : new(AlinkCodes.Ok, "success", productKey, deviceName, DeviceSecret: device.DeviceSecret);
    }
}
