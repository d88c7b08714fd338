// One consumer group's delivery: its backlog (segments in the BacklogSegments table) fed to the group's connected
// clients. Messages are sent in id order; a device's messages always go to the same client while the set of clients is
// unchanged (so each device's order is kept), and clients share the devices. A message stays in the backlog until a
// client accepts it, and its segment until all of its messages are; one not settled within the ack timeout
// (Thingyard:Amqp:AckTimeoutSeconds), or held by a client that leaves, is sent again.
// Memory holds at most about MemoryCap ready messages; beyond that the rest stays in the database and is read in pages
// (of segments, in commit order) as the clients catch up. With no client connected only the accounting of partly
// accepted segments is kept.
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions;

public sealed class GroupQueue(long groupId, BacklogStore store, TimeSpan ackTimeout, TimeProvider time) : IGroupFeed
{
    public const int MemoryCap = 20_000;
    public const int PageSize = 2_000;

    readonly object _lock = new();
    readonly SortedDictionary<long, BacklogMessage> _ready = [];
    readonly Dictionary<long, (BacklogMessage Message, IConsumer Consumer, long SentAtMs)> _inflight = [];
    readonly List<IConsumer> _consumers = [];
    // Accepted, and still in a segment in the table: a page read must not bring them back.
    readonly HashSet<long> _accepted = [];
    // The segments read or admitted: how many of their messages are not accepted yet, and their ids (to forget the
    // accepted ones once the segment is deleted).
    readonly Dictionary<long, Segment> _segments = [];
    // Every segment at or below this is in memory (in _segments) or gone; above it, only what _complete says.
    long _loadedThroughSeq;
    // True when memory holds the whole backlog: newly committed segments join it directly.
    bool _complete;
    bool _loading;
    List<List<BacklogMessage>>? _arrivedWhileLoading;
    // Segments deleted while a page was being read: the page may still hold them, and must not send them again.
    HashSet<long>? _deletedWhileLoading;
    readonly ConsumeRate _rate = new(time);
    // Devices no longer authorized to the group's account (Sharing): what the group still holds of them is dropped as
    // if accepted, never sent. Null for almost every group.
    HashSet<long>? _revoked;

    sealed class Segment(long[] ids, int remaining)
    {
        public readonly long[] Ids = ids;
        public int Remaining = remaining;
    }

    public long GroupId => groupId;

    /// <summary>True when memory holds the whole backlog (newly committed segments join it directly).</summary>
    public bool HoldsWholeBacklog { get { lock (_lock) return _complete; } }

    public IReadOnlyList<IConsumer> Consumers { get { lock (_lock) return [.. _consumers]; } }
    public long LastConsumedAtMs { get { lock (_lock) return _rate.LastAtMs; } }
    public int ConsumedLastMinute { get { lock (_lock) return _rate.LastMinute; } }
    /// <summary>Messages accepted whose segment is still in the table (counted in it until deleted).</summary>
    public int AcceptedUndeleted { get { lock (_lock) return _accepted.Count; } }

    public void Attach(IConsumer consumer)
    {
        lock (_lock)
        {
            if (_consumers.Count == 0) _lastSendMs = time.GetUtcNow().ToUnixTimeMilliseconds();
            _consumers.Add(consumer);
            PumpLocked();
        }
    }

    public void Detach(IConsumer consumer)
    {
        lock (_lock)
        {
            if (!_consumers.Remove(consumer)) return;
            foreach (var (id, f) in _inflight.Where(f => f.Value.Consumer == consumer).ToList())
            {
                _inflight.Remove(id);
                _ready[id] = f.Message;
            }
            if (_consumers.Count == 0) ForgetLocked();
            else PumpLocked();
        }
    }

    /// <summary>A segment of this group the telemetry writer has just committed (segments come in commit order). Its
    /// messages are sent from a pool thread: the writer, which every device's QoS 1 acknowledgement waits for, must not
    /// spend its time on the clients' sockets.</summary>
    public void Committed(List<BacklogMessage> segment)
    {
        lock (_lock)
        {
            if (_consumers.Count == 0) return; // in the table; read when a client comes
            if (_loading)
            {
                (_arrivedWhileLoading ??= []).Add(segment);
                return;
            }
            AdmitLocked(segment);
            if (_pumpQueued) return;
            _pumpQueued = true;
            ThreadPool.UnsafeQueueUserWorkItem(static q => q.PumpQueued(), this, preferLocal: false);
        }
    }

    bool _pumpQueued;

    void PumpQueued()
    {
        lock (_lock)
        {
            _pumpQueued = false;
            try { PumpLocked(); }
            catch (Exception e) { store.SendFailed(groupId, e); }
        }
    }

    /// <summary>A client settled a delivery: accepted (or rejected) ends it; released or modified sends it again.
    /// An accept frees no credit (the client's flow frames do, see CreditAdded): only a message sent again pumps.
    /// A segment whose messages are all accepted goes to be deleted.</summary>
    public void Settled(IConsumer consumer, long id, bool done)
    {
        lock (_lock)
        {
            var held = _inflight.Remove(id, out var f);
            if (done)
            {
                // A message neither in flight nor ready was forgotten (its clients left): it will be read and sent again.
                var message = held ? f.Message : _ready.Remove(id, out var ready) ? ready : null;
                if (message is null || !_accepted.Add(id)) return;
                _rate.Count();
                if (_segments.TryGetValue(message.Seq, out var segment) && --segment.Remaining == 0) store.Delete(groupId, message.Seq);
            }
            else if (held)
            {
                _ready[id] = f.Message;
                PumpLocked();
            }
        }
    }

    /// <summary>These devices are no longer authorized to the group's account: their messages waiting here are dropped
    /// now, and any that arrive later (committed before the revocation, or read from the table) when they would be sent.</summary>
    public void Revoke(IReadOnlyCollection<long> deviceIds)
    {
        lock (_lock)
        {
            (_revoked ??= []).UnionWith(deviceIds);
            DropRevokedLocked();
        }
    }

    /// <summary>These devices are authorized to the group's account again.</summary>
    public void Readmit(IReadOnlyCollection<long> deviceIds)
    {
        lock (_lock)
        {
            _revoked?.ExceptWith(deviceIds);
            if (_revoked?.Count == 0) _revoked = null;
        }
    }

    /// <summary>Messages dropped because their device's authorization was revoked.</summary>
    public long DroppedRevoked { get { lock (_lock) return _droppedRevoked; } }
    long _droppedRevoked;

    void DropRevokedLocked()
    {
        if (_revoked is not { } revoked) return;
        foreach (var (id, m) in _ready.Where(x => revoked.Contains(x.Value.DeviceId)).ToList())
        {
            _ready.Remove(id);
            if (!_accepted.Add(id)) continue;
            _droppedRevoked++;
            if (_segments.TryGetValue(m.Seq, out var segment) && --segment.Remaining == 0) store.Delete(groupId, m.Seq);
        }
    }

    /// <summary>A client has more credit.</summary>
    public void CreditAdded()
    {
        lock (_lock) PumpLocked();
    }

    /// <summary>Set in a cluster, where segments of several writers arrive: one committed elsewhere may come after a later one
    /// of this node's was read.</summary>
    public bool AdmitsOutOfOrder { set { lock (_lock) _admitsOutOfOrder = value; } }
    bool _admitsOutOfOrder;
    // The segments deleted lately (accepted in full): one arriving late from another node must not be sent again.
    readonly HashSet<long> _deletedSeqs = [];
    readonly Queue<long> _deletedOrder = new();
    const int DeletedKept = 65_536;

    /// <summary>The writer deleted these segments (all their messages accepted).</summary>
    public void Deleted(IEnumerable<long> seqs)
    {
        lock (_lock)
            foreach (var seq in seqs)
            {
                if (_admitsOutOfOrder && _deletedSeqs.Add(seq))
                {
                    _deletedOrder.Enqueue(seq);
                    if (_deletedOrder.Count > DeletedKept) _deletedSeqs.Remove(_deletedOrder.Dequeue());
                }
                if (_loading) (_deletedWhileLoading ??= []).Add(seq);
                if (_segments.Remove(seq, out var segment))
                    foreach (var id in segment.Ids) _accepted.Remove(id);
            }
    }

    /// <summary>Once a second: deliveries older than the ack timeout go back to the front of the queue, and the queue
    /// pumps whenever it has clients and something to send or read, so nothing waits for an event that will not come
    /// (a page read that failed with nothing in flight). Returns a description of the queue's state when it has had
    /// clients and something to send but sent nothing for StalledAfterMs (at most once per that time), else null.</summary>
    public string? Tick()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var cutoff = now - (long)ackTimeout.TotalMilliseconds;
        lock (_lock)
        {
            var overdue = _inflight.Where(f => f.Value.SentAtMs < cutoff).Select(f => f.Key).ToList();
            foreach (var id in overdue)
            {
                _ready[id] = _inflight[id].Message;
                _inflight.Remove(id);
            }
            if (_consumers.Count > 0 && (_ready.Count > 0 || (!_complete && !_loading))) PumpLocked();
            if (_consumers.Count == 0 || (_ready.Count == 0 && _complete) || now - _lastSendMs < StalledAfterMs || now - _stallReportedMs < StalledAfterMs)
                return null;
            _stallReportedMs = now;
            // A client that gives no credit is the usual reason; the rest tells a stuck read or a lost wake-up apart.
            return $"{_ready.Count} message(s) ready and {_inflight.Count} in flight, nothing sent for {(now - _lastSendMs) / 1000} s; " +
                $"clients' credit {string.Join(", ", _consumers.Select(c => c.Credit))}; backlog {(_complete ? "all in memory" : _loading ? "being read" : "partly in the table")}, " +
                $"read through segment {_loadedThroughSeq}, {_segments.Count} segment(s) tracked, {_accepted.Count} accepted not deleted";
        }
    }

    /// <summary>A queue with clients and messages that sends nothing for this long is reported (logged by the hub).</summary>
    public const long StalledAfterMs = 30_000;
    long _lastSendMs, _stallReportedMs;

    /// <summary>The backlog was emptied or trimmed in the table (reset, retention): read it again from there.</summary>
    public void Reload()
    {
        lock (_lock)
        {
            var consumers = _consumers.Count;
            ForgetLocked();
            // What was accepted in a segment that survived is sent once more: simpler than asking which ones did.
            _accepted.Clear();
            _segments.Clear();
            if (consumers > 0) PumpLocked();
        }
    }

    /// <summary>Drops the messages held for sending; the accounting of partly accepted segments stays (it describes the
    /// table, and keeps their accepted messages from being sent again).</summary>
    void ForgetLocked()
    {
        _ready.Clear();
        _inflight.Clear();
        foreach (var seq in _segments.Where(s => s.Value.Remaining == s.Value.Ids.Length).Select(s => s.Key).ToList()) _segments.Remove(seq);
        _loadedThroughSeq = 0;
        _deletedWhileLoading = null;
        _complete = false;
        // A page being read now was started before this: it is dropped when it arrives (see LoadAsync).
        _loading = false;
        _arrivedWhileLoading = null;
        _generation++;
    }

    int _generation;

    /// <summary>A committed segment's messages: held when memory has the whole backlog and room, else left for a page.</summary>
    void AdmitLocked(List<BacklogMessage> run)
    {
        var seq = run[0].Seq;
        if (seq <= _loadedThroughSeq)
        {
            // A page read it already; unless, in a cluster, it was committed by another node after a later segment of
            // this node's was read (each node's writer numbers its own segments): then it joins here, once.
            if (!_segments.ContainsKey(seq) && !_deletedSeqs.Contains(seq) && run[0].ConsumerGroupId == groupId && _admitsOutOfOrder) LoadLocked(seq, run);
            return;
        }
        if (_complete && _ready.Count < MemoryCap)
        {
            LoadLocked(seq, run);
            _loadedThroughSeq = seq;
        }
        else _complete = false; // left in the table; a later page reads it
    }

    /// <summary>A segment's messages into memory, but those accepted or in flight; a segment seen for the first time
    /// starts its accounting (and goes to be deleted at once if everything in it was accepted).</summary>
    void LoadLocked(long seq, List<BacklogMessage> messages)
    {
        if (!_segments.ContainsKey(seq))
        {
            var remaining = messages.Count(m => !_accepted.Contains(m.Id));
            _segments[seq] = new Segment([.. messages.Select(m => m.Id)], remaining);
            if (remaining == 0) store.Delete(groupId, seq);
        }
        foreach (var m in messages)
            if (!_inflight.ContainsKey(m.Id) && !_accepted.Contains(m.Id)) _ready.TryAdd(m.Id, m);
    }

    // A send can come back into the queue on the same thread (a credit listener, a client that settles on send): the
    // inner call only asks the running pump to go round once more.
    bool _pumping, _pumpAgain;

    void PumpLocked()
    {
        if (_pumping)
        {
            _pumpAgain = true;
            return;
        }
        _pumping = true;
        try
        {
            do
            {
                _pumpAgain = false;
                PumpOnceLocked();
            }
            while (_pumpAgain);
        }
        finally { _pumping = false; }
    }

    /// <summary>Moves what the clients have credit for from ready to in flight, then sends it: the sends run after the
    /// walk over the ready messages, which they may change.</summary>
    void PumpOnceLocked()
    {
        var n = _consumers.Count;
        if (n == 0) return;
        DropRevokedLocked();
        if (_ready.Count > 0)
        {
            var credit = new int[n];
            var blocked = 0;
            for (var i = 0; i < n; i++) if ((credit[i] = _consumers[i].Credit) <= 0) blocked++;
            var batches = new List<BacklogMessage>?[n];
            if (blocked < n)
                foreach (var (_, m) in _ready)
                {
                    var at = (int)((ulong)m.DeviceId % (ulong)n);
                    if (credit[at] <= 0) continue;
                    (batches[at] ??= []).Add(m);
                    if (--credit[at] == 0 && ++blocked == n) break;
                }
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var consumers = _consumers.ToArray();
            for (var i = 0; i < n; i++)
                if (batches[i] is { } batch)
                    foreach (var m in batch)
                    {
                        _ready.Remove(m.Id);
                        _inflight[m.Id] = (m, consumers[i], now);
                    }
            for (var i = 0; i < n; i++)
                if (batches[i] is { } batch)
                {
                    consumers[i].Send(batch);
                    _lastSendMs = now;
                }
        }
        if (!_complete && !_loading && _ready.Count < PageSize) StartLoadLocked();
    }

    void StartLoadLocked()
    {
        _loading = true;
        var from = _loadedThroughSeq;
        var generation = _generation;
        _ = Task.Run(async () =>
        {
            List<(long Seq, List<BacklogMessage> Messages)> page;
            bool complete;
            try
            {
                var (segments, done) = await store.PageAsync(groupId, from, PageSize);
                page = [.. segments.Select(s => (s.Seq, s.Messages()))];
                complete = done;
            }
            catch (Exception e)
            {
                store.LoadFailed(groupId, e);
                lock (_lock)
                    if (_generation == generation)
                    {
                        _loading = false;
                        _deletedWhileLoading = null;
                    }
                return;
            }
            lock (_lock)
            {
                if (_generation != generation) return;
                var deleted = _deletedWhileLoading;
                _deletedWhileLoading = null;
                foreach (var (seq, messages) in page)
                {
                    if (deleted?.Contains(seq) == true) continue;
                    LoadLocked(seq, messages);
                    if (seq > _loadedThroughSeq) _loadedThroughSeq = seq;
                }
                _complete = complete;
                _loading = false;
                var arrived = _arrivedWhileLoading;
                _arrivedWhileLoading = null;
                if (arrived is not null) foreach (var run in arrived) AdmitLocked(run);
                PumpLocked();
            }
        });
    }
}

/// <summary>Accepted messages per minute, and the last time one was.</summary>
sealed class ConsumeRate(TimeProvider time)
{
    readonly int[] _perSecond = new int[60];
    long _second;
    public long LastAtMs { get; private set; }

    public void Count()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        Advance(now / 1000);
        _perSecond[(int)(_second % 60)]++;
        LastAtMs = now;
    }

    public int LastMinute
    {
        get
        {
            Advance(time.GetUtcNow().ToUnixTimeMilliseconds() / 1000);
            return _perSecond.Sum();
        }
    }

    void Advance(long second)
    {
        if (second <= _second) return;
        for (var s = Math.Max(_second + 1, second - 59); s <= second; s++) _perSecond[(int)(s % 60)] = 0;
        _second = second;
    }
}
