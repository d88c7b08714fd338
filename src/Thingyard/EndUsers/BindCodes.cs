// The bind codes printed on devices at mass production, one per device: 12 characters from an alphabet without look-alikes
// (no 0/O, 1/I/L), about 60 bits, so guessing one is hopeless. A code is made the first time it is asked for and
// stays the device's; the export gives each with the text of its QR code.
using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.EndUsers;

public sealed record DeviceBindCodeRow(string ProductKey, string DeviceName, string IotId, string Code);

public sealed class BindCodes(ThingyardDb db, ProductRegistry products, TimeProvider time)
{
    const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int MaxDevices = 10_000;

    /// <summary>The codes of a product's devices (those named, or all up to <see cref="MaxDevices"/>), making missing ones.</summary>
    public async Task<List<DeviceBindCodeRow>> ForProductAsync(Caller caller, string productKey, IReadOnlyList<string>? deviceNames, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        caller.RequireChange(product); // codes are credentials: only who may change the product prints them
        var query = db.Devices.AsNoTracking().Where(d => d.ProductId == product.Id);
        if (deviceNames is { Count: > 0 })
        {
            if (deviceNames.Count > MaxDevices) throw IotException.Invalid($"At most {MaxDevices:N0} devices per request.");
            query = query.Where(d => deviceNames.Contains(d.DeviceName));
        }
        var devices = await query.OrderBy(d => d.Id).Take(MaxDevices).Select(d => new { d.Id, d.DeviceName, d.IotId }).ToListAsync(ct);
        if (deviceNames is { Count: > 0 } && devices.Count < deviceNames.Distinct().Count())
        {
            var missing = deviceNames.Except(devices.Select(d => d.DeviceName)).First();
            throw new IotException(IotErrors.DeviceNotFound, $"The product has no device '{missing}'.");
        }
        var ids = devices.Select(d => d.Id).ToList();
        var codes = await db.DeviceBindCodes.AsNoTracking().Where(c => ids.Contains(c.DeviceId)).ToDictionaryAsync(c => c.DeviceId, c => c.Code, ct);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var d in devices.Where(d => !codes.ContainsKey(d.Id)))
        {
            var code = RandomNumberGenerator.GetString(Alphabet, 12);
            codes[d.Id] = code;
            db.DeviceBindCodes.Add(new DeviceBindCode
            {
                AccountId = product.AccountId, ProductId = product.Id, DeviceId = d.Id, Code = code,
                CodeHash = EndUserDevices.CodeHash(product.ProductKey, code), CreatedAtMs = now,
            });
        }
        await db.SaveChangesAsync(ct);
        return devices.Select(d => new DeviceBindCodeRow(product.ProductKey, d.DeviceName, d.IotId, codes[d.Id])).ToList();
    }

    /// <summary>What the QR code on the device holds: the consumer app's add-device address with the product and code,
    /// so a phone's camera opens the app on it.</summary>
    public static string QrText(string baseUrl, string projectId, DeviceBindCodeRow row) =>
        $"{baseUrl.TrimEnd('/')}/app/{projectId}/#add?pk={Uri.EscapeDataString(row.ProductKey)}&code={row.Code}";
}
