// Owns the instance's running virtual devices: starts and stops their clients, brings back those marked running when
// the server starts (after the broker is listening), and disconnects them all on shutdown without changing what is
// stored, so the same ones come back at the next start.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Lifecycle;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Tsl;
using Thingyard.Registry;
using Thingyard.Server.Connectivity;
using Thingyard.Storage;
using Thingyard.ThingModels;

namespace Thingyard.Server.Lifecycle.VirtualDevices;

public sealed class VirtualDeviceHost(MqttBroker broker, IServiceScopeFactory scopes, IHostApplicationLifetime lifetime, DeviceChanges changes,
    ILogger<VirtualDeviceHost> log) : IHostedService
{
    public const int DefaultMaxRunning = 100;
    public const string LimitCode = "iot.device.VirtualDeviceLimit";

    readonly ConcurrentDictionary<long, RunningVirtualDevice> _running = new();
    readonly SemaphoreSlim _gate = new(1, 1);
    volatile bool _stopping;

    /// <summary>How many may run at once on this instance (each is a connection and a loop); settable for tests.</summary>
    public int MaxRunning { get; set; } = DefaultMaxRunning;

    public int Count => _running.Count;

    public bool IsRunning(long deviceId) => _running.ContainsKey(deviceId);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        changes.Changed += OnDeviceChanged;
        // Resume once the host has started (the broker listens by then); a failure stays in the log, not the start.
        lifetime.ApplicationStarted.Register(() => _ = Task.Run(ResumeAsync));
        return Task.CompletedTask;
    }

    /// <summary>Connects the device's client and starts it reporting; already running: only the settings change.</summary>
    public async Task StartAsync(Device device, ThingModel model, VirtualDeviceSettings settings, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_running.TryGetValue(device.Id, out var running)) { running.Update(settings); return; }
            if (_stopping) throw new IotException(IotErrors.SystemException, "The server is shutting down.");
            if (_running.Count >= MaxRunning)
                throw new IotException(LimitCode, $"{_running.Count} virtual devices are running on this instance, the most it runs at once ({MaxRunning}); stop one first.");
            var client = new RunningVirtualDevice(new DeviceTriplet(device.ProductKey, device.DeviceName, device.DeviceSecret), broker.Port, model, settings, log);
            try { await client.StartAsync(ct); }
            catch (Exception e)
            {
                await client.DisposeAsync();
                throw e is IotException ? e : new IotException(IotErrors.SystemException, $"The virtual device {device.DeviceName} could not connect: {e.Message}");
            }
            _running[device.Id] = client;
        }
        finally { _gate.Release(); }
    }

    public void Update(long deviceId, VirtualDeviceSettings settings)
    {
        if (_running.TryGetValue(deviceId, out var running)) running.Update(settings);
    }

    public async Task StopAsync(long deviceId)
    {
        if (_running.TryRemove(deviceId, out var running)) await running.DisposeAsync();
    }

    async Task ResumeAsync()
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ThingyardDb>();
            var models = scope.ServiceProvider.GetRequiredService<ThingModelStore>();
            var rows = await (from v in db.VirtualDevices.Where(v => v.Running)
                              join d in db.Devices on v.DeviceId equals d.Id
                              join p in db.Products on d.ProductId equals p.Id
                              select new { v, d, p }).ToListAsync(lifetime.ApplicationStopping);
            foreach (var row in rows)
            {
                try
                {
                    var model = await models.PublishedAsync(row.p, "", null, lifetime.ApplicationStopping);
                    await StartAsync(row.d, model, VirtualDeviceService.SettingsOf(row.v), lifetime.ApplicationStopping);
                }
                catch (Exception e) when (!lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    log.LogWarning("Virtual device {ProductKey}/{DeviceName} was running and could not be started again: {Error}",
                        row.d.ProductKey, row.d.DeviceName, e.Message);
                }
            }
            if (rows.Count > 0) log.LogInformation("Started {Count} of {Total} virtual devices marked running", _running.Count, rows.Count);
        }
        catch (Exception e) when (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            log.LogError(e, "Virtual devices marked running were not started again");
        }
        catch (OperationCanceledException) { /* shutting down */ }
    }

    /// <summary>A deleted or disabled device stops here too (DeleteDevice works on a virtual device's device).</summary>
    void OnDeviceChanged(DeviceChange change)
    {
        if (change.Kind is DeviceChangeKind.Deleted or DeviceChangeKind.Disabled && _running.ContainsKey(change.DeviceId))
            _ = StopAsync(change.DeviceId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        changes.Changed -= OnDeviceChanged;
        await Task.WhenAll(_running.Keys.ToList().Select(StopAsync));
    }
}
