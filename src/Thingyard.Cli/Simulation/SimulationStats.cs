// Counters every simulated device updates and the progress line reads; plain Interlocked longs, no locks.
namespace Thingyard.Cli.Simulation;

public sealed class SimulationStats
{
    long _connected, _peakConnected, _connects, _connectFailures, _posts, _events, _repliesOk, _repliesError, _calls;
    readonly Queue<string> _errors = new();

    public long Connected => Interlocked.Read(ref _connected);
    /// <summary>The most devices connected at once.</summary>
    public long PeakConnected => Interlocked.Read(ref _peakConnected);
    /// <summary>Successful connects, reconnects included.</summary>
    public long Connects => Interlocked.Read(ref _connects);
    public long ConnectFailures => Interlocked.Read(ref _connectFailures);
    /// <summary>Property posts (generated, and the echoes of property sets).</summary>
    public long Posts => Interlocked.Read(ref _posts);
    public long Events => Interlocked.Read(ref _events);
    public long RepliesOk => Interlocked.Read(ref _repliesOk);
    public long RepliesError => Interlocked.Read(ref _repliesError);
    /// <summary>Property sets, async service calls and RRPC (sync) calls answered.</summary>
    public long CallsAnswered => Interlocked.Read(ref _calls);
    /// <summary>Posts whose reply has not come back yet.</summary>
    public long AwaitingReplies => Posts + Events - RepliesOk - RepliesError;

    public void Connect()
    {
        var now = Interlocked.Increment(ref _connected);
        Interlocked.Increment(ref _connects);
        for (var peak = PeakConnected; now > peak; peak = PeakConnected)
            if (Interlocked.CompareExchange(ref _peakConnected, now, peak) == peak) break;
    }

    public void Disconnect() => Interlocked.Decrement(ref _connected);
    public void ConnectFailed() => Interlocked.Increment(ref _connectFailures);
    public void Posted() => Interlocked.Increment(ref _posts);
    public void EventPosted() => Interlocked.Increment(ref _events);
    public void CallAnswered() => Interlocked.Increment(ref _calls);

    public void Reply(bool ok, string? error)
    {
        if (ok) Interlocked.Increment(ref _repliesOk);
        else
        {
            Interlocked.Increment(ref _repliesError);
            if (error is not null) lock (_errors) { if (_errors.Count < 5) _errors.Enqueue(error); }
        }
    }

    /// <summary>The first few error replies, "device: code message", for the summary.</summary>
    public IReadOnlyList<string> FirstErrors
    {
        get { lock (_errors) return [.. _errors]; }
    }
}
