// Counters an operator (and the benchmark) reads: what the broker refused or dropped, and why.
namespace Thingyard.Server.Connectivity;

public sealed class ConnectivityStats
{
    long _refusedSockets, _oversizedPackets, _refusedConnects, _foreignPublishes, _unclassedPublishes, _refusedSubscriptions, _oversized, _throttled, _badPayloads, _accepted, _tlsFailures;

    /// <summary>Sockets closed before reading: connection caps, handshake failures or timeouts.</summary>
    public long RefusedSockets => Interlocked.Read(ref _refusedSockets);
    /// <summary>Connections closed for declaring a packet over the size limit.</summary>
    public long OversizedPackets => Interlocked.Read(ref _oversizedPackets);
    public long RefusedConnects => Interlocked.Read(ref _refusedConnects);
    public long ForeignPublishes => Interlocked.Read(ref _foreignPublishes);
    /// <summary>Publishes to a /pk/dn/user/... topic of the device that no PUB or ALL topic class of its product allows.</summary>
    public long UnclassedPublishes => Interlocked.Read(ref _unclassedPublishes);
    public long RefusedSubscriptions => Interlocked.Read(ref _refusedSubscriptions);
    public long Oversized => Interlocked.Read(ref _oversized);
    public long Throttled => Interlocked.Read(ref _throttled);
    public long BadPayloads => Interlocked.Read(ref _badPayloads);
    public long AcceptedPublishes => Interlocked.Read(ref _accepted);
    public long TlsHandshakeFailures => Interlocked.Read(ref _tlsFailures);

    public void RefusedSocket() => Interlocked.Increment(ref _refusedSockets);
    public void OversizedPacket() => Interlocked.Increment(ref _oversizedPackets);
    public void RefusedConnect() => Interlocked.Increment(ref _refusedConnects);
    public void ForeignPublish() => Interlocked.Increment(ref _foreignPublishes);
    public void UnclassedPublish() => Interlocked.Increment(ref _unclassedPublishes);
    public void RefusedSubscription() => Interlocked.Increment(ref _refusedSubscriptions);
    public void OversizedPublish() => Interlocked.Increment(ref _oversized);
    public void ThrottledPublish() => Interlocked.Increment(ref _throttled);
    public void BadPayload() => Interlocked.Increment(ref _badPayloads);
    public void Accepted() => Interlocked.Increment(ref _accepted);
    public void TlsHandshakeFailed() => Interlocked.Increment(ref _tlsFailures);
}
