// Reads the device pages and the debugging page share: products and devices to pick from (a few at a time, by a part
// of their name), and a device's row with its product. All as the signed-in user, through the access layer.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Server.Console.Devices;

/// <summary>A product as the pickers show it.</summary>
public sealed record ProductOption(string ProductKey, string Name, int NodeType)
{
    public override string ToString() => $"{Name} ({ProductKey})";
}

public static class DeviceLookups
{
    /// <summary>How many choices a picker offers at once; typing narrows them.</summary>
    public const int PickerSize = 20;

    /// <summary>The caller's products whose name or ProductKey contains the text (the newest first).</summary>
    public static Task<List<ProductOption>> ProductsAsync(ConsoleApi api, string? text, CancellationToken ct = default) =>
        api.ReadAsync(async (s, caller) =>
        {
            var query = s.GetRequiredService<ThingyardDb>().Products.VisibleTo(caller).AsNoTracking();
            if (!string.IsNullOrWhiteSpace(text))
            {
                var part = text.Trim();
                query = query.Where(p => p.Name.Contains(part) || p.ProductKey.Contains(part));
            }
            return await query.OrderByDescending(p => p.Id).Take(PickerSize)
                .Select(p => new ProductOption(p.ProductKey, p.Name, p.NodeType)).ToListAsync(ct);
        }, ct);

    /// <summary>The product with this key, if the caller has it.</summary>
    public static Task<ProductOption?> ProductAsync(ConsoleApi api, string productKey, CancellationToken ct = default) =>
        api.ReadAsync(async (s, caller) => await s.GetRequiredService<ThingyardDb>().Products.VisibleTo(caller).AsNoTracking()
            .Where(p => p.ProductKey == productKey).Select(p => new ProductOption(p.ProductKey, p.Name, p.NodeType)).FirstOrDefaultAsync(ct), ct);

    /// <summary>DeviceNames of the product that contain the text.</summary>
    public static Task<List<string>> DeviceNamesAsync(ConsoleApi api, string productKey, string? text, CancellationToken ct = default) =>
        api.ReadAsync(async (s, caller) =>
        {
            var (devices, _) = await s.GetRequiredService<DeviceRegistry>().ListAsync(caller, productKey, null, text, new Common.Paging(1, PickerSize), ct);
            return devices.Select(d => d.DeviceName).ToList();
        }, ct);

    /// <summary>The device (a detached copy) and its product; the registry's not-found error when the caller has no such device.</summary>
    public static Task<(Device Device, Product Product)> DeviceAsync(ConsoleApi api, string productKey, string deviceName, CancellationToken ct = default) =>
        api.ReadAsync(async (s, caller) =>
        {
            var registry = s.GetRequiredService<DeviceRegistry>();
            var device = await registry.GetAsync(caller, new DeviceRef(null, productKey, deviceName), ct);
            var product = await registry.ProductOfAsync(device, ct);
            // Copies leave the scope unsaved: an account the device is only authorized to never sees its secrets.
            device.DeviceSecret = caller.SecretFor(device, device.DeviceSecret);
            product.ProductSecret = caller.SecretFor(product, product.ProductSecret);
            return (device, product);
        }, ct);
}
