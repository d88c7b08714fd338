// A page's view of one device's live traffic: the MessageTap stream (what `thingyard device watch` and the REST SSE
// route read) consumed in the background until the page goes away. The page hands in what to do with each message
// and re-renders through its own InvokeAsync.
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Console.Devices;

public sealed class LiveFeed : IDisposable
{
    readonly CancellationTokenSource _stop = new();

    LiveFeed() { }

    /// <summary>Starts following the device; <paramref name="onMessage"/> runs for each message, one at a time.</summary>
    public static LiveFeed Start(MessageTap tap, long deviceId, Func<TappedMessage, Task> onMessage, ILogger log)
    {
        var feed = new LiveFeed();
        var token = feed._stop.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var m in tap.WatchAsync(deviceId, token).WithCancellation(token))
                    await onMessage(m);
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { } // the circuit went away while a render was queued
            catch (Exception e) { log.LogWarning(e, "The console's live view of device {DeviceId} stopped", deviceId); }
        }, CancellationToken.None);
        return feed;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
