// Devices of an account: register, look up, list, enable/disable, delete; every query is as the caller sees it (AccessRules).
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Storage;

namespace Thingyard.Registry;

public sealed class DeviceRegistry(ThingyardDb db, ProductRegistry products, TimeProvider time, DeviceChanges changes)
{
    public const int MaxDevicesPerCall = 100;

    public async Task<Device> RegisterAsync(Caller caller, string productKey, string? deviceName, string? nickname, CancellationToken ct = default)
    {
        var product = ProductRegistry.Writable(await products.GetAsync(caller, productKey, ct), caller);
        deviceName = string.IsNullOrEmpty(deviceName) ? Ids.Alphanumeric(20) : deviceName;
        NameRules.CheckDeviceName(deviceName);
        if (!string.IsNullOrEmpty(nickname)) NameRules.CheckNickname(nickname);
        if (await db.Devices.AnyAsync(d => d.ProductKey == product.ProductKey && d.DeviceName == deviceName, ct))
            throw new IotException(IotErrors.DeviceNameExists, $"The device '{deviceName}' already exists in product '{productKey}'.");
        var device = NewDevice(product, deviceName, nickname, null);
        db.Devices.Add(device);
        await db.SaveChangesAsync(ct);
        return device;
    }

    public Device NewDevice(Product product, string deviceName, string? nickname, long? applyId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new Device
        {
            AccountId = product.AccountId, ProductId = product.Id, ProductKey = product.ProductKey, DeviceName = deviceName,
            DeviceSecret = Ids.DeviceSecret(), IotId = Ids.IotId(), Nickname = string.IsNullOrEmpty(nickname) ? null : nickname,
            CreatedAtMs = now, ModifiedAtMs = now, ApplyId = applyId,
        };
    }

    /// <summary>The device named by IotId or ProductKey+DeviceName, if the caller may see it; otherwise DeviceNotFound
    /// (another account's device is not found either).</summary>
    public Task<Device> GetAsync(Caller caller, DeviceRef r, CancellationToken ct = default) =>
        db.Devices.FindVisibleAsync(caller, Named(r), () => NotFound(r), ct);

    /// <summary>The device the reference names, whoever owns it: callers check visibility before using it (DeviceCache).</summary>
    internal static Expression<Func<Device, bool>> Named(DeviceRef r) => string.IsNullOrEmpty(r.IotId)
        ? d => d.ProductKey == r.ProductKey && d.DeviceName == r.DeviceName
        : d => d.IotId == r.IotId;

    internal static IotException NotFound(DeviceRef r) => IotException.DeviceNotFound(r.ToString());

    /// <summary>Devices named in a batch call; unknown names are left out, as the platform does.</summary>
    public async Task<List<Device>> FindManyAsync(Caller caller, string? productKey, IReadOnlyList<string> deviceNames, IReadOnlyList<string> iotIds, CancellationToken ct = default)
    {
        if (deviceNames.Count + iotIds.Count > MaxDevicesPerCall)
            throw IotException.Invalid($"At most {MaxDevicesPerCall} devices per call.");
        if (deviceNames.Count > 0 && string.IsNullOrEmpty(productKey))
            throw IotException.Invalid("ProductKey is required with DeviceName.N.");
        var found = await db.Devices.VisibleTo(caller)
            .Where(d => (d.ProductKey == productKey && deviceNames.Contains(d.DeviceName)) || iotIds.Contains(d.IotId))
            .ToListAsync(ct);
        return found;
    }

    public Task<(List<Device> Devices, int Total)> ListAsync(Caller caller, string? productKey, string? status, Paging paging, CancellationToken ct = default) =>
        ListAsync(caller, productKey, status, null, paging, ct);

    /// <summary>A page of the caller's devices, optionally of one product, in one status, and whose DeviceName or
    /// Nickname contains <paramref name="name"/>.</summary>
    public async Task<(List<Device> Devices, int Total)> ListAsync(Caller caller, string? productKey, string? status, string? name, Paging paging,
        CancellationToken ct = default)
    {
        var query = db.Devices.VisibleTo(caller);
        if (!string.IsNullOrEmpty(productKey))
        {
            var product = await products.GetAsync(caller, productKey, ct);
            query = query.Where(d => d.ProductId == product.Id);
        }
        if (!string.IsNullOrEmpty(status))
        {
            if (!DeviceStatus.All.Contains(status)) throw IotException.Invalid($"Status must be one of {string.Join(", ", DeviceStatus.All)}.");
            query = query.Where(d => d.Status == status);
        }
        if (!string.IsNullOrWhiteSpace(name))
        {
            var part = name.Trim();
            query = query.Where(d => d.DeviceName.Contains(part) || (d.Nickname != null && d.Nickname.Contains(part)));
        }
        var total = await query.CountAsync(ct);
        var items = await query.OrderBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return (items, total);
    }

    public async Task DeleteAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var device = await GetAsync(caller, r, ct);
        caller.RequireChange(device);
        if (device.SourceInstanceId is not null)
            throw new IotException(IotErrors.DeviceDistributed,
                $"Device {device.DeviceName} was distributed here from instance {device.SourceInstanceId}; distribute it back and delete it there.");
        if (await db.DeviceDistributions.AnyAsync(x => x.DeviceId == device.Id, ct))
            throw new IotException(IotErrors.DeviceDistributed, $"Device {device.DeviceName} is distributed to another instance; distribute it back before deleting it.");
        db.Devices.Remove(device);
        await db.SaveChangesAsync(ct);
        changes.Publish(DeviceChangeKind.Deleted, device);
    }

    public async Task<Device> DisableAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var device = await GetAsync(caller, r, ct);
        caller.RequireChange(device);
        device.Status = DeviceStatus.Disabled;
        device.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await db.SaveChangesAsync(ct);
        changes.Publish(DeviceChangeKind.Disabled, device);
        return device;
    }

    /// <summary>An enabled device returns to UNACTIVE if it never connected, otherwise OFFLINE until it reconnects.</summary>
    public async Task<Device> EnableAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var device = await GetAsync(caller, r, ct);
        caller.RequireChange(device);
        if (device.Status == DeviceStatus.Disabled)
        {
            device.Status = device.ActivatedAtMs is null ? DeviceStatus.Unactive : DeviceStatus.Offline;
            device.ModifiedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            await db.SaveChangesAsync(ct);
            changes.Publish(DeviceChangeKind.Enabled, device);
        }
        return device;
    }

    public Task<Product> ProductOfAsync(Device device, CancellationToken ct = default) =>
        db.Products.FirstAsync(p => p.Id == device.ProductId, ct);
}
