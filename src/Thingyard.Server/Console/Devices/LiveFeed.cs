// A page's view of one device's live traffic: the MessageTap stream (what `thingyard device watch` and the REST SSE
// route read) consumed in the background until the page goes away. The page hands in what to do with each message
// and re-renders through its own InvokeAsync.
using Thingyard.Server.Connectivity;

namespace Thingyard.Server.Console.Devices;

public sealed class LiveFeed : IDisposable
{
    readonly CancellationTokenSource _stop;

    LiveFeed(CancellationToken until) => _stop = CancellationTokenSource.CreateLinkedTokenSource(until);

    /// <summary>Starts following the device; <paramref name="onMessage"/> runs for each message, one at a time, until
    /// the feed is disposed or <paramref name="until"/> fires (WatchAccess: the viewer lost sight of the device).</summary>
    public static LiveFeed Start(MessageTap tap, long deviceId, Func<TappedMessage, Task> onMessage, ILogger log, CancellationToken until = default)
    {
        var feed = new LiveFeed(until);
        var token = feed._stop.Token;
        // The first MoveNext registers the watcher before it waits: a message sent right after Start is not missed.
        var messages = tap.WatchAsync(deviceId, token).GetAsyncEnumerator(token);
        var first = messages.MoveNextAsync();
        _ = Task.Run(async () =>
        {
            try
            {
                for (var more = await first; more; more = await messages.MoveNextAsync())
                    await onMessage(messages.Current);
            }
            catch (OperationCanceledException) { }
            catch (ObjectDisposedException) { } // the circuit went away while a render was queued
            catch (Exception e) { log.LogWarning(e, "The console's live view of device {DeviceId} stopped", deviceId); }
            finally { await messages.DisposeAsync(); }
        }, CancellationToken.None);
        return feed;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
