// Reads part of a page again soon after the device's traffic says it changed: once shortly after, and twice more a
// little later in case the telemetry writer had not committed yet (it batches, and a loaded database is slower).
// Messages arriving meanwhile join the planned reads.
namespace Thingyard.Server.Console.Devices;

public sealed class RefreshLater(Func<Task> load, Func<Func<Task>, Task> onCircuit, CancellationToken gone)
{
    static readonly TimeSpan[] Waits = [TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(1200), TimeSpan.FromSeconds(3)];
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
            for (var i = 0; i < Waits.Length; i++)
            {
                await Task.Delay(Waits[i], gone);
                if (i == 0) Interlocked.Exchange(ref _planned, 0);
                await onCircuit(load);
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { } // the page went away
    }
}
