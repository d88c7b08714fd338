// Reads part of a page again soon after the device's traffic says it changed: once shortly after, and once more a
// little later in case the telemetry writer had not committed yet. Messages arriving meanwhile join the planned reads.
namespace Thingyard.Server.Console.Devices;

public sealed class RefreshLater(Func<Task> load, Func<Func<Task>, Task> onCircuit, CancellationToken gone)
{
    static readonly TimeSpan First = TimeSpan.FromMilliseconds(300), Second = TimeSpan.FromMilliseconds(1200);
    int _planned;

    public void Request()
    {
        if (Interlocked.Exchange(ref _planned, 1) == 1) return;
        _ = RunAsync();
    }

    async Task RunAsync()
    {
        try
        {
            await Task.Delay(First, gone);
            Interlocked.Exchange(ref _planned, 0);
            await onCircuit(load);
            await Task.Delay(Second, gone);
            await onCircuit(load);
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { } // the page went away
    }
}
