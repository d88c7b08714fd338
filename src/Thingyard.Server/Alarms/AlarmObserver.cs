// The message path's only contact with alarms: accepted property values and events of products that have alarm
// rules are handed to a bounded queue that AlarmEvaluator drains off the device path. A full queue drops the values
// and counts them: a slow evaluator or notifier never slows ingestion. A product without rules costs one dictionary
// lookup.
using System.Threading.Channels;
using Thingyard.Alarms;
using Thingyard.Connectivity;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Telemetry;

namespace Thingyard.Server.Alarms;

/// <summary>Property values and events one device sent in one message.</summary>
public sealed record ObservedValues(DeviceIdentity Device, IReadOnlyList<TelemetryEntry> Entries);

public sealed class AlarmObserver(AlarmRuleDirectory rules, AlarmOptions options, ILogger<AlarmObserver> log)
{
    readonly Channel<ObservedValues> _queue = Channel.CreateBounded<ObservedValues>(
        new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    long _dropped;

    public ChannelReader<ObservedValues> Reader => _queue.Reader;

    /// <summary>Values dropped because the evaluator's queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Never waits: queues the uplink's accepted property values and events when its product may have rules.</summary>
    public void Observe(Uplink u)
    {
        if (!rules.MayHaveRules(u.Device.ProductId)) return;
        List<TelemetryEntry>? picked = null;
        foreach (var e in u.Entries)
            if (e.Kind is TelemetryKind.Property or TelemetryKind.Event) (picked ??= []).Add(e);
        if (picked is null || _queue.Writer.TryWrite(new ObservedValues(u.Device, picked))) return;
        // Logged on the first drop and every 1,000th after it, so a flood does not flood the log too.
        if (Interlocked.Increment(ref _dropped) % 1000 == 1)
            log.LogWarning("Alarm evaluation is behind: {Dropped} values dropped so far (queue of {Capacity}, Thingyard:Alarms:QueueCapacity)",
                Dropped, options.QueueCapacity);
    }
}
