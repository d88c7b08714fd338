// One running virtual device: a DeviceClient connected over loopback to this server's broker with the device's own
// triplet, so the platform sees (and logs, stores, checks) it exactly like a real device. It reports generated property
// values every interval, fires each event once at start, and answers property sets and service calls as configured.
using System.Collections.Concurrent;
using System.Text.Json;
using Thingyard.Lifecycle;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Server.Lifecycle.VirtualDevices;

/// <summary>What a virtual device runs with; Interval and Replies may change while it runs.</summary>
public sealed record VirtualDeviceSettings(int IntervalSeconds, IReadOnlyDictionary<string, VirtualReply> Replies);

public sealed class RunningVirtualDevice : IAsyncDisposable
{
    readonly DeviceClient _client;
    readonly ThingModel _model;
    readonly ILogger _log;
    readonly CancellationTokenSource _stop = new();
    // Values the cloud set: reported as set until set again, as a real device keeps its state.
    readonly ConcurrentDictionary<string, string> _setValues = new(StringComparer.Ordinal);
    volatile VirtualDeviceSettings _settings;
    CancellationTokenSource _wake = new();
    Task _loop = Task.CompletedTask;

    public RunningVirtualDevice(DeviceTriplet triplet, int port, ThingModel model, VirtualDeviceSettings settings, ILogger log)
    {
        _model = model;
        _settings = settings;
        _log = log;
        _client = new DeviceClient(triplet, new DeviceClientOptions { Host = "127.0.0.1", Port = port });
        _client.OnPropertySet = PropertySetAsync;
        foreach (var service in model.Services)
            _client.HandleService(service.Identifier, (_, ct) => ServiceAsync(service, ct));
    }

    public DeviceTriplet Triplet => _client.Device;
    public bool IsConnected => _client.IsConnected;

    /// <summary>Connects (throws when the broker refuses) and starts reporting in the background.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await _client.ConnectAsync(ct);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>New settings take effect at once: a shorter interval does not wait out the current one.</summary>
    public void Update(VirtualDeviceSettings settings)
    {
        _settings = settings;
        // Not disposed: the loop may be linking to it right now (a CTS without timers holds nothing to free).
        Interlocked.Exchange(ref _wake, new CancellationTokenSource()).Cancel();
    }

    async Task RunAsync(CancellationToken ct)
    {
        var rng = new Random();
        await FireEventsAsync(rng, ct);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected) await _client.ConnectAsync(ct); // the broker dropped it (restart of a listener, a kick)
                if (_model.Properties.Count > 0)
                {
                    var answer = await _client.PostPropertiesAsync(VirtualValues.Properties(_model.Properties, rng, _setValues), ct);
                    if (!answer.Ok) _log.LogWarning("Virtual device {Device}: property post answered {Code} {Message}", Triplet, answer.Code, answer.Message);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                _log.LogWarning("Virtual device {Device}: {Error}", Triplet, e.Message);
            }
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, _wake.Token);
            try { await Task.Delay(TimeSpan.FromSeconds(_settings.IntervalSeconds), either.Token); }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested) { /* woken by new settings */ }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Each event once, so a debugging checklist sees every one of them.</summary>
    async Task FireEventsAsync(Random rng, CancellationToken ct)
    {
        foreach (var e in _model.Events)
        {
            try
            {
                var answer = await _client.PostEventAsync(e.Identifier, VirtualValues.Params(e.OutputData, rng), ct);
                if (!answer.Ok) _log.LogWarning("Virtual device {Device}: event {Event} answered {Code} {Message}", Triplet, e.Identifier, answer.Code, answer.Message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) { _log.LogWarning("Virtual device {Device}: event {Event}: {Error}", Triplet, e.Identifier, ex.Message); }
        }
    }

    async Task<int> PropertySetAsync(JsonElement items, CancellationToken ct)
    {
        var reply = VirtualReplies.For(_settings.Replies, VirtualReplies.PropertySet);
        if (reply.DelayMs > 0) await Task.Delay(reply.DelayMs, _stop.Token);
        if (reply.Code != VirtualReply.Ok) return reply.Code;
        var raw = items.GetRawText();
        foreach (var item in items.EnumerateObject()) _setValues[item.Name] = item.Value.GetRawText();
        // Report the new values after the reply has gone out, as a device does once it applied them.
        _ = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(100, _stop.Token);
                await _client.PostPropertiesAsync(raw, _stop.Token);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogWarning("Virtual device {Device}: reporting set values: {Error}", Triplet, e.Message);
            }
            catch (OperationCanceledException) { /* stopped */ }
        });
        return VirtualReply.Ok;
    }

    async Task<ServiceResult> ServiceAsync(TslService service, CancellationToken ct)
    {
        var reply = VirtualReplies.For(_settings.Replies, service.Identifier);
        if (reply.DelayMs > 0) await Task.Delay(reply.DelayMs, _stop.Token);
        var output = reply.OutputJson ?? (reply.Code == VirtualReply.Ok ? VirtualValues.Params(service.OutputData, Random.Shared) : null);
        return new ServiceResult(reply.Code, output, reply.Message);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try { await _loop; } catch (Exception) { /* stopping */ }
        await _client.DisposeAsync();
        _stop.Dispose();
    }
}
