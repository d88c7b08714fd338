// Virtual devices of a product for debugging: each is a real test device of the product (IsTest, registered through
// DeviceRegistry so names, quotas and access rules apply) plus its VirtualDevice row; the host runs the started ones.
// Every lookup goes through the access layer: another account's product or virtual device does not exist here.
using Microsoft.EntityFrameworkCore;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Registry;
using Thingyard.Storage;
using Thingyard.ThingModels;

namespace Thingyard.Server.Lifecycle.VirtualDevices;

/// <summary>A virtual device as the API shows it.</summary>
public sealed record VirtualDeviceView(string IotId, string ProductKey, string DeviceName, int IntervalSeconds, bool Running, string Replies);

public sealed class VirtualDeviceService(ThingyardDb db, DeviceRegistry devices, ProductRegistry products, ThingModelStore models,
    VirtualDeviceHost host, TimeProvider time)
{
    public const int MinInterval = 1, MaxInterval = 3600, DefaultInterval = 10;

    public static VirtualDeviceSettings SettingsOf(VirtualDevice v) => new(v.IntervalSeconds, VirtualReplies.Parse(v.RepliesJson));

    public async Task<VirtualDeviceView> CreateAsync(Caller caller, string productKey, string? deviceName, int? intervalSeconds, string? repliesJson,
        CancellationToken ct = default)
    {
        var interval = Interval(intervalSeconds ?? DefaultInterval);
        var replies = Replies(repliesJson);
        var device = await devices.RegisterAsync(caller, productKey, deviceName, null, ct);
        device.IsTest = true;
        var row = new VirtualDevice
        {
            AccountId = device.AccountId, ProductId = device.ProductId, DeviceId = device.Id, IntervalSeconds = interval, RepliesJson = replies,
            CreatedAtMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        db.VirtualDevices.Add(row);
        await db.SaveChangesAsync(ct);
        return View(row, device);
    }

    public async Task<List<VirtualDeviceView>> ListAsync(Caller caller, string productKey, CancellationToken ct = default)
    {
        var product = await products.GetAsync(caller, productKey, ct);
        var rows = await (from v in db.VirtualDevices.VisibleTo(caller).Where(v => v.ProductId == product.Id)
                          join d in db.Devices.VisibleTo(caller) on v.DeviceId equals d.Id
                          orderby v.Id
                          select new { v, d }).ToListAsync(ct);
        return rows.Select(r => View(r.v, r.d)).ToList();
    }

    /// <summary>Connects the device to this server's broker and keeps it reporting; refused without a published model.</summary>
    public async Task<VirtualDeviceView> StartAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var (row, device, product) = await FindAsync(caller, r, change: true, ct);
        if (device.Status == DeviceStatus.Disabled)
            throw new IotException(IotErrors.DeviceDisabled, $"The device {device.DeviceName} is disabled; enable it before starting it.");
        var model = await models.PublishedAsync(product, "", null, ct); // iot.tsl.NotPublishedTsl when nothing is published
        await host.StartAsync(device, model, SettingsOf(row), ct);
        if (!row.Running)
        {
            row.Running = true;
            await db.SaveChangesAsync(ct);
        }
        return View(row, device);
    }

    public async Task<VirtualDeviceView> StopAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var (row, device, _) = await FindAsync(caller, r, change: true, ct);
        await host.StopAsync(device.Id);
        if (row.Running)
        {
            row.Running = false;
            await db.SaveChangesAsync(ct);
        }
        return View(row, device);
    }

    /// <summary>Changes the interval and replies; a running device uses them at once.</summary>
    public async Task<VirtualDeviceView> UpdateAsync(Caller caller, DeviceRef r, int? intervalSeconds, string? repliesJson, CancellationToken ct = default)
    {
        var (row, device, _) = await FindAsync(caller, r, change: true, ct);
        if (intervalSeconds is { } interval) row.IntervalSeconds = Interval(interval);
        if (repliesJson is not null) row.RepliesJson = Replies(repliesJson);
        await db.SaveChangesAsync(ct);
        host.Update(device.Id, SettingsOf(row));
        return View(row, device);
    }

    /// <summary>Stops it and deletes its device (and with it the row), as DeleteDevice would.</summary>
    public async Task DeleteAsync(Caller caller, DeviceRef r, CancellationToken ct = default)
    {
        var (row, device, _) = await FindAsync(caller, r, change: true, ct);
        await host.StopAsync(device.Id);
        // Removed in DeleteAsync's SaveChanges: a device the registry refuses to delete (distributed) keeps its row.
        db.VirtualDevices.Remove(row);
        await devices.DeleteAsync(caller, new DeviceRef(device.IotId, null, null), ct);
    }

    async Task<(VirtualDevice Row, Device Device, Product Product)> FindAsync(Caller caller, DeviceRef r, bool change, CancellationToken ct)
    {
        var device = await devices.GetAsync(caller, r, ct);
        if (!string.IsNullOrEmpty(r.ProductKey) && r.ProductKey != device.ProductKey) throw IotException.DeviceNotFound(r.ToString());
        var product = await products.GetAsync(caller, device.ProductKey, ct);
        if (change) ProductRegistry.Writable(product, caller);
        var row = await db.VirtualDevices.FindVisibleAsync(caller, v => v.DeviceId == device.Id,
            () => new IotException(IotErrors.DeviceNotFound, $"The device {device.DeviceName} is not a virtual device."), ct);
        return (row, device, product);
    }

    VirtualDeviceView View(VirtualDevice v, Device d) => new(d.IotId, d.ProductKey, d.DeviceName, v.IntervalSeconds, host.IsRunning(d.Id), v.RepliesJson);

    static int Interval(int seconds) => seconds is >= MinInterval and <= MaxInterval
        ? seconds
        : throw IotException.Invalid($"IntervalSeconds must be from {MinInterval} to {MaxInterval}, not {seconds}.");

    /// <summary>Checked now so a running device never meets bad replies; stored as given (compact when empty).</summary>
    static string Replies(string? json)
    {
        VirtualReplies.Parse(json);
        return string.IsNullOrWhiteSpace(json) ? "{}" : json.Trim();
    }
}
