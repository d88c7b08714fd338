// Lets operators follow one device's traffic live (`thingyard device watch`): every message up or down is offered
// to the watchers of that device; with nobody watching it costs one dictionary lookup.
using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Thingyard.Server.Connectivity;

public sealed record TappedMessage(long TimeMs, string Direction, string Topic, byte[] Payload);

public sealed class MessageTap
{
    readonly ConcurrentDictionary<long, ImmutableWatchers> _watchers = new();

    sealed record ImmutableWatchers(Channel<TappedMessage>[] Channels);

    public void Up(long deviceId, string topic, ReadOnlySpan<byte> payload) => Offer(deviceId, "up", topic, payload);

    public void Down(long deviceId, string topic, ReadOnlySpan<byte> payload) => Offer(deviceId, "down", topic, payload);

    /// <summary>Status and other platform notes about a device (connect, disconnect, refusals).</summary>
    public void Note(long deviceId, string what) => Offer(deviceId, "note", what, []);

    void Offer(long deviceId, string direction, string topic, ReadOnlySpan<byte> payload)
    {
        if (!_watchers.TryGetValue(deviceId, out var w)) return;
        var message = new TappedMessage(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), direction, topic, payload.ToArray());
        foreach (var c in w.Channels) c.Writer.TryWrite(message);
    }

    /// <summary>Streams a device's messages until the token fires. Slow readers lose the oldest messages, never block devices.</summary>
    public async IAsyncEnumerable<TappedMessage> WatchAsync(long deviceId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<TappedMessage>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers.AddOrUpdate(deviceId, _ => new([channel]), (_, w) => new([.. w.Channels, channel]));
        try
        {
            while (await channel.Reader.WaitToReadAsync(ct).AsTask().ContinueWith(t => !t.IsCanceled && t.Result))
                while (channel.Reader.TryRead(out var m)) yield return m;
        }
        finally
        {
            while (true)
            {
                if (!_watchers.TryGetValue(deviceId, out var w)) break;
                var rest = w.Channels.Where(c => c != channel).ToArray();
                if (rest.Length == 0 ? _watchers.TryRemove(KeyValuePair.Create(deviceId, w)) : _watchers.TryUpdate(deviceId, new(rest), w)) break;
            }
        }
    }
}
