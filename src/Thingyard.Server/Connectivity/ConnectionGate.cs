// Admission for MQTT connections (TCP, TLS and WebSocket) before any byte is read: a cap on open connections below the
// descriptor limit, a cap per remote address, and a cap on connections per address that have not yet sent their CONNECT
// (the cheap kind of flood). Refusals are counted and logged at most once per 10 s per kind.
using System.Collections.Concurrent;
using System.Net;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Connectivity;

public sealed class ConnectionGate(MqttOptions mqtt, InstanceOptions instance, ConnectivityStats stats, ILogger<ConnectionGate> log)
{
    const int DescriptorReserve = 256; // database files, logs, outgoing peer and database connections

    readonly ConcurrentDictionary<IPAddress, Counts> _byAddress = new();
    int _open;
    long _lastLogTicks;

    public sealed class Counts
    {
        public int Open;
        public int Pending;
    }

    /// <summary>The cap in force: configured, or what the descriptor limit leaves after HTTP and a reserve.</summary>
    public int MaxConnections { get; } = mqtt.MaxConnections > 0
        ? mqtt.MaxConnections
        : (int)Math.Max(64, (DescriptorLimit.Current() ?? 65_536) - instance.MaxHttpConnections - DescriptorReserve);

    public int Open => Volatile.Read(ref _open);

    /// <summary>A connection slot, or null (refused: close the socket at once). Dispose it when the connection ends.</summary>
    public Ticket? TryEnter(EndPoint? remote)
    {
        var address = RemoteAddress.Of(remote) ?? IPAddress.None;
        if (Interlocked.Increment(ref _open) > MaxConnections)
        {
            Interlocked.Decrement(ref _open);
            Refuse($"{MaxConnections} MQTT connections are open (Thingyard:Mqtt:MaxConnections)", remote);
            return null;
        }
        var counts = _byAddress.GetOrAdd(address, _ => new Counts());
        lock (counts)
        {
            if (counts.Open >= mqtt.MaxConnectionsPerAddress || counts.Pending >= mqtt.MaxPendingConnectionsPerAddress)
            {
                Interlocked.Decrement(ref _open);
                Refuse(counts.Open >= mqtt.MaxConnectionsPerAddress
                    ? $"{counts.Open} connections from {address} (Thingyard:Mqtt:MaxConnectionsPerAddress)"
                    : $"{counts.Pending} connections from {address} have not sent CONNECT (Thingyard:Mqtt:MaxPendingConnectionsPerAddress)", remote);
                return null;
            }
            counts.Open++;
            counts.Pending++;
        }
        return new Ticket(this, address, counts);
    }

    void Refuse(string why, EndPoint? remote)
    {
        stats.RefusedSocket();
        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref _lastLogTicks);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref _lastLogTicks, now, last) == last)
            log.LogWarning("Refusing MQTT connections (e.g. from {Remote}): {Why}", remote, why);
    }

    public sealed class Ticket(ConnectionGate gate, IPAddress address, Counts counts) : IDisposable
    {
        int _pending = 1, _open = 1;

        /// <summary>The CONNECT arrived: the connection no longer counts as pending for its address.</summary>
        public void Connected()
        {
            if (Interlocked.Exchange(ref _pending, 0) == 1) lock (counts) counts.Pending--;
        }

        public void Dispose()
        {
            Connected();
            if (Interlocked.Exchange(ref _open, 0) == 0) return;
            Interlocked.Decrement(ref gate._open);
            lock (counts)
                if (--counts.Open == 0) gate._byAddress.TryRemove(KeyValuePair.Create(address, counts));
        }
    }
}
