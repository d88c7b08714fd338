// In a cluster several nodes' writers number backlog segments, so a segment committed on another node can reach the
// group's home after a later segment of the home's own was read. The home's queue takes it then, once; a segment already
// accepted in full and deleted is not taken again. On a single node (one writer, segments in commit order) a segment at
// or below what was read is one the queue already has. The queue is driven directly.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Subscriptions;
using Thingyard.Subscriptions;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Cluster;

public sealed class SegmentOrderTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const long Group = long.MaxValue - 7; // no rows: the backlog reads empty

    sealed class Client : IConsumer
    {
        public string ClientId => "home";
        public string Address => "127.0.0.1:1";
        public long ConnectedAtMs => 0;
        public int Credit => 1000;
        public readonly List<long> Sent = [];
        public void Send(IReadOnlyList<BacklogMessage> messages) { lock (Sent) Sent.AddRange(messages.Select(m => m.Id)); }
    }

    static List<BacklogMessage> Segment(long seq, long id) =>
        [new() { Id = id, ConsumerGroupId = Group, DeviceId = 1, Topic = "/pk/dn/user/x", Payload = [1], GenerateTimeMs = 1, Seq = seq }];

    async Task<(GroupQueue Queue, Client Client)> QueueAsync(bool cluster)
    {
        var queue = new GroupQueue(Group, server.Services.GetRequiredService<BacklogStore>(), TimeSpan.FromHours(1), TimeProvider.System)
        {
            AdmitsOutOfOrder = cluster,
        };
        var client = new Client();
        queue.Attach(client);
        // The first read of the (empty) backlog runs on the pool; after it, commits join memory directly.
        for (var i = 0; i < 100 && !queue.HoldsWholeBacklog; i++) await Task.Delay(20);
        return (queue, client);
    }

    static async Task<List<long>> SentAsync(Client client, int count)
    {
        for (var i = 0; i < 100; i++)
        {
            lock (client.Sent) if (client.Sent.Count >= count) break;
            await Task.Delay(20);
        }
        await Task.Delay(100); // and nothing more after them
        lock (client.Sent) return [.. client.Sent];
    }

    [Fact]
    public async Task A_segment_committed_late_on_another_node_is_delivered_once()
    {
        var (queue, client) = await QueueAsync(cluster: true);
        queue.Committed(Segment(10, 100));
        queue.Committed(Segment(12, 120));
        queue.Committed(Segment(11, 110)); // another node's, committed after 12 was read
        queue.Committed(Segment(11, 110)); // told twice
        Assert.Equal([100L, 110L, 120L], (await SentAsync(client, 3)).Order()); // each once (sent in id order)

        queue.Settled(client, 110, done: true); // segment 11 accepted in full: deleted
        queue.Deleted([11L]);
        queue.Committed(Segment(11, 110)); // a late copy of the news must not send it again
        Assert.Equal([100L, 110L, 120L], (await SentAsync(client, 4)).Order());
    }

    [Fact]
    public async Task On_a_single_node_a_segment_at_or_below_what_was_read_is_not_taken_again()
    {
        var (queue, client) = await QueueAsync(cluster: false);
        queue.Committed(Segment(10, 100));
        queue.Committed(Segment(12, 120));
        queue.Committed(Segment(11, 110));
        Assert.Equal([100L, 120L], (await SentAsync(client, 3)).Order());
    }
}
