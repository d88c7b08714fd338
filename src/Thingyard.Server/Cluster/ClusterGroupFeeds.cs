// The three parts of a group delivered across nodes: Feed (what a client connected here is attached to until its group's
// home is known), RemoteFeed (settlements and credit of such a client, sent to the home) and RemoteConsumer (at the
// home: a client connected to another node, whose messages go there in order).
using System.Threading.Channels;
using Thingyard.Server.Subscriptions;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Cluster;

public sealed partial class ClusterGroups
{
    internal sealed class Feed(ClusterGroups groups, long groupId) : IGroupFeed
    {
        volatile IGroupFeed? _target;
        public long GroupId => groupId;
        public IConsumer? Consumer { get; private set; }
        public string? Home { get; private set; }
        public bool Detached { get; private set; }

        public void Connected(IGroupFeed? target, string? home)
        {
            Home = home;
            _target = target;
        }

        public void Attach(IConsumer consumer)
        {
            Consumer = consumer;
            _ = groups.ConnectAsync(this);
        }

        public void Detach(IConsumer consumer)
        {
            Detached = true;
            _target?.Detach(consumer);
            _target = null;
        }

        public void Settled(IConsumer consumer, long id, bool done) => _target?.Settled(consumer, id, done);
        public void CreditAdded() => _target?.CreditAdded();
    }

    /// <summary>At the client's node: its settlements go to the home in batches (one call per run of them).</summary>
    sealed class RemoteFeed(ClusterGroups groups, string home, long groupId, long key, IConsumer consumer) : IGroupFeed
    {
        readonly Lock _lock = new();
        List<(long Id, bool Done)> _settled = [];
        bool _flushing;

        public void Attach(IConsumer c) { }

        public void Detach(IConsumer c) => groups.Left(key, home, groupId);

        public void CreditAdded() => _ = groups.GrainOf(home).Credit(groupId, groups.Self, key, consumer.Credit);

        public void Settled(IConsumer c, long id, bool done)
        {
            lock (_lock)
            {
                _settled.Add((id, done));
                if (_flushing) return;
                _flushing = true;
            }
            _ = Task.Run(FlushAsync);
        }

        async Task FlushAsync()
        {
            while (true)
            {
                List<(long Id, bool Done)> batch;
                lock (_lock)
                {
                    if (_settled.Count == 0)
                    {
                        _flushing = false;
                        return;
                    }
                    (batch, _settled) = (_settled, []);
                }
                try { await groups.GrainOf(home).Settle(groupId, groups.Self, key, [.. batch.Select(b => b.Id)], [.. batch.Select(b => b.Done)], consumer.Credit); }
                catch (Exception e) { groups.Log.LogWarning(e, "Settlements of consumer group {Group} did not reach node {Node}; it sends them again", groupId, home); }
            }
        }
    }

    /// <summary>At the home: a client connected to another node. Sends go out one call at a time, in order.</summary>
    sealed class RemoteConsumer(ClusterGroups groups, long groupId, string node, long key, WireClient client, int credit) : IConsumer
    {
        readonly Channel<WireMessage[]> _out = Channel.CreateUnbounded<WireMessage[]>(new UnboundedChannelOptions { SingleReader = true });
        int _credit = credit;
        Task? _pump;

        public long GroupId => groupId;
        public string ClientId => client.ClientId;
        public string Address => client.Address;
        public long ConnectedAtMs => client.ConnectedAtMs;
        public int Credit => Volatile.Read(ref _credit);

        public void SetCredit(int credit) => Volatile.Write(ref _credit, credit);

        public void Send(IReadOnlyList<BacklogMessage> messages)
        {
            Interlocked.Add(ref _credit, -messages.Count);
            _out.Writer.TryWrite([.. messages.Select(WireMessage.Of)]);
            _pump ??= Task.Run(PumpAsync);
        }

        async Task PumpAsync()
        {
            await foreach (var batch in _out.Reader.ReadAllAsync())
            {
                try
                {
                    if (!await groups.GrainOf(node).Deliver(key, batch)) groups.DetachRemote(groupId, node, key); // the client left
                }
                catch (Exception e)
                {
                    // Unsettled, they are sent again after the ack timeout (to this client or another).
                    groups.Log.LogWarning(e, "Delivering to a client of consumer group {Group} on node {Node} failed", groupId, node);
                }
            }
        }

        public void Close() => _out.Writer.TryComplete();
    }
}
