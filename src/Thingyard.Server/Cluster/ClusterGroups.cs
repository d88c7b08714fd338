// Consumer groups across nodes: each group is delivered by one node, its home (ConsumerGroups.HomeNode, claimed in the
// table by the first node a client connects to, and taken over when that node is no longer an active member). Clients
// connected to other nodes are fed through the home (RemoteConsumer there, RemoteFeed here), and segments committed on
// other nodes are sent to it, so every message of a group goes to one client cluster-wide, in id order per device.
using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Thingyard.Server.Subscriptions;
using Thingyard.Storage;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Cluster;

public sealed partial class ClusterGroups(DeliveryHub hub, IGrainFactory grains, ClusterIdentity self, IDbContextFactory<ThingyardDb> dbs,
    ILogger<ClusterGroups> log) : IGroupHomes
{
    readonly ConcurrentDictionary<long, (string? Home, long AtMs)> _homes = new();
    // Clients connected here whose group is delivered elsewhere, by key; and those connected elsewhere fed from here.
    readonly ConcurrentDictionary<long, Feed> _clientsHere = new();
    readonly ConcurrentDictionary<(string Node, long Key), RemoteConsumer> _remotes = new();
    long _nextKey;

    public void Start() => hub.Homes = this;

    IGroupNodeGrain Node(string name) => grains.GetGrain<IGroupNodeGrain>(name);

    bool IsActive(string node) => node == self.Node || self.Others().Contains(node);

    /// <summary>The group's home; with <paramref name="claim"/>, this node becomes it when it has none or its node is gone.</summary>
    async Task<string?> HomeAsync(long groupId, bool claim)
    {
        var now = Environment.TickCount64;
        if (!claim && _homes.TryGetValue(groupId, out var cached) && now - cached.AtMs < 2000) return cached.Home;
        await using var db = await dbs.CreateDbContextAsync();
        var home = await db.ConsumerGroups.Where(g => g.Id == groupId).Select(g => g.HomeNode).FirstOrDefaultAsync();
        if (home is not null && !IsActive(home)) home = claim ? home : null;
        if (claim && (home is null || !IsActive(home)))
        {
            // Conditional: of two nodes claiming together, one wins and the other reads it.
            var was = home;
            await db.ConsumerGroups.Where(g => g.Id == groupId && g.HomeNode == was).ExecuteUpdateAsync(s => s.SetProperty(g => g.HomeNode, self.Node));
            home = await db.ConsumerGroups.Where(g => g.Id == groupId).Select(g => g.HomeNode).FirstOrDefaultAsync();
            if (home == self.Node && was != self.Node) log.LogInformation("This node now delivers consumer group {Group}", groupId);
        }
        _homes[groupId] = (home, now);
        return home;
    }

    public IGroupFeed FeedFor(long groupId) => new Feed(this, groupId);

    /// <summary>Attaches a client connected here to its group, wherever the group is delivered; tries again while the home
    /// cannot be reached (a node dying is declared dead within the failure detection time, then another takes over).</summary>
    async Task ConnectAsync(Feed feed)
    {
        for (var attempt = 0; !feed.Detached; attempt++)
        {
            try
            {
                var home = await HomeAsync(feed.GroupId, claim: true);
                if (home == self.Node)
                {
                    var queue = hub.Group(feed.GroupId);
                    feed.Connected(queue, null);
                    queue.Attach(feed.Consumer!);
                    return;
                }
                if (home is not null)
                {
                    var key = Interlocked.Increment(ref _nextKey);
                    var remote = new RemoteFeed(this, home, feed.GroupId, key, feed.Consumer!);
                    _clientsHere[key] = feed;
                    feed.Connected(remote, home);
                    var c = feed.Consumer!;
                    if (await Node(home).Attach(feed.GroupId, self.Node, key, new WireClient(c.ClientId, c.Address, c.ConnectedAtMs), c.Credit))
                    {
                        // Credit the client gave while the attach was on its way (its flow may have come first) is told
                        // again now that the home knows the client.
                        await Node(home).Credit(feed.GroupId, self.Node, key, c.Credit);
                        return;
                    }
                    _clientsHere.TryRemove(key, out _);
                    feed.Connected(null, null);
                }
            }
            catch (Exception e) when (attempt % 10 == 0) { log.LogWarning(e, "Attaching a client of consumer group {Group} failed; trying again", feed.GroupId); }
            catch (Exception) { }
            _homes.TryRemove(feed.GroupId, out _);
            await Task.Delay(1000);
        }
    }

    /// <summary>A node died: the clients it fed from here leave their groups; the clients here it fed attach again.</summary>
    public void NodeDied(string node)
    {
        foreach (var ((n, key), rc) in _remotes)
            if (n == node) DetachRemote(rc.GroupId, n, key);
        foreach (var (key, feed) in _clientsHere)
            if (feed.Home == node && _clientsHere.TryRemove(key, out _))
            {
                feed.Connected(null, null);
                _ = ConnectAsync(feed);
            }
        foreach (var (group, home) in _homes)
            if (home.Home == node) _homes.TryRemove(group, out _);
    }

    public void Committed(IReadOnlyList<List<BacklogMessage>> segments)
    {
        foreach (var byGroup in segments.GroupBy(s => s[0].ConsumerGroupId))
            _ = SendCommittedAsync(byGroup.Key, [.. byGroup]);
    }

    async Task SendCommittedAsync(long groupId, List<List<BacklogMessage>> segments)
    {
        try
        {
            if (await HomeAsync(groupId, claim: false) is not { } home || home == self.Node) return; // in the table for whoever comes
            foreach (var segment in segments) await Node(home).Committed(groupId, [.. segment.Select(WireMessage.Of)]);
        }
        catch (Exception e) { log.LogWarning(e, "Telling consumer group {Group}'s node of new messages failed; it reads them from the table", groupId); }
    }

    public void Reset(long groupId) => _ = ResetAsync(groupId);

    async Task ResetAsync(long groupId)
    {
        try
        {
            if (await HomeAsync(groupId, claim: false) is { } home && home != self.Node) await Node(home).Reset(groupId);
        }
        catch (Exception e) { log.LogWarning(e, "Telling consumer group {Group}'s node to read its backlog again failed", groupId); }
    }

    public async Task<DeliveryHub.GroupStatus?> StatusAsync(long groupId, CancellationToken ct)
    {
        if (await HomeAsync(groupId, claim: false) is not { } home || home == self.Node) return null;
        if (await Node(home).Status(groupId) is not { } s) return null;
        return new DeliveryHub.GroupStatus(s.Backlog, [.. s.Clients.Select(c => new ListedClient(c.ClientId, c.Address, c.ConnectedAtMs))], s.PerMinute, s.LastConsumedAtMs);
    }

    // --- at the home: clients connected to other nodes ---

    internal async Task<bool> AttachRemoteAsync(long groupId, string node, long key, WireClient client, int credit)
    {
        if (await HomeAsync(groupId, claim: false) != self.Node) return false;
        var rc = new RemoteConsumer(this, groupId, node, key, client, credit);
        _remotes[(node, key)] = rc;
        hub.Group(groupId).Attach(rc);
        return true;
    }

    internal void DetachRemote(long groupId, string node, long key)
    {
        if (!_remotes.TryRemove((node, key), out var rc)) return;
        rc.Close();
        hub.Find(groupId)?.Detach(rc);
    }

    internal void CreditRemote(long groupId, string node, long key, int credit)
    {
        if (!_remotes.TryGetValue((node, key), out var rc)) return;
        rc.SetCredit(credit);
        hub.Find(groupId)?.CreditAdded();
    }

    internal void SettleRemote(long groupId, string node, long key, long[] ids, bool[] done, int credit)
    {
        if (!_remotes.TryGetValue((node, key), out var rc) || hub.Find(groupId) is not { } queue) return;
        for (var i = 0; i < ids.Length; i++) queue.Settled(rc, ids[i], done[i]);
        rc.SetCredit(credit);
        queue.CreditAdded();
    }

    internal void CommittedHere(long groupId, WireMessage[] segment) => hub.CommittedElsewhere(groupId, [.. segment.Select(m => m.ToMessage())]);

    internal void ResetHere(long groupId) => hub.Find(groupId)?.Reload();

    internal async Task<WireGroupStatus?> StatusHereAsync(long groupId)
    {
        if (hub.Find(groupId) is not { Consumers.Count: > 0 }) return null;
        var s = await hub.StatusAsync(groupId, CancellationToken.None);
        return new WireGroupStatus(s.Backlog, [.. s.Clients.Select(c => new WireClient(c.ClientId, c.Address, c.ConnectedAtMs))], s.PerMinute, s.LastConsumedAtMs);
    }

    // --- at the client's node ---

    internal bool DeliverHere(long key, WireMessage[] messages)
    {
        if (!_clientsHere.TryGetValue(key, out var feed) || feed.Consumer is not { } consumer) return false;
        consumer.Send([.. messages.Select(m => m.ToMessage())]);
        return true;
    }

    internal void Left(long key, string home, long groupId)
    {
        if (_clientsHere.TryRemove(key, out _)) _ = Node(home).Detach(groupId, self.Node, key);
    }

    internal IGroupNodeGrain GrainOf(string node) => Node(node);
    internal string Self => self.Node;
    internal ILogger Log => log;

    /// <summary>A client known from its home's status answer.</summary>
    sealed record ListedClient(string ClientId, string Address, long ConnectedAtMs) : IConsumer
    {
        public int Credit => 0;
        public void Send(IReadOnlyList<BacklogMessage> messages) { }
    }
}
