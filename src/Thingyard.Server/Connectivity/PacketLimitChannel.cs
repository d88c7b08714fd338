// Reads a connection's MQTT framing as the bytes arrive and closes it as soon as a packet declares a length over the
// limit: MQTTnet allocates a packet's whole body from its declared length (up to 256 MB) before it authenticates
// anyone. Until the first packet (CONNECT) is complete the limit is small; after it, the payload limit plus headroom.
using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;

namespace Thingyard.Server.Connectivity;

public sealed class PacketLimitChannel(IMqttChannel inner, int connectLimit, int packetLimit, Action onConnectPacket, Action onOversized) : IMqttChannel
{
    enum State { Header, Length, Body }

    State _state;
    long _length, _multiplier, _remaining;
    int _lengthBytes;
    bool _connectSeen;

    public X509Certificate2 ClientCertificate => inner.ClientCertificate;
    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;
    public EndPoint LocalEndPoint => inner.LocalEndPoint;
    public bool IsSecureConnection => inner.IsSecureConnection;

    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);
    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);
    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, isEndOfPacket, cancellationToken);
    public void Dispose() => inner.Dispose();

    public async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(buffer, offset, count, cancellationToken);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    /// <summary>Follows fixed header, remaining length (variable byte integer) and body across arbitrary read chunks.</summary>
    void Inspect(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length;)
        {
            switch (_state)
            {
                case State.Header:
                    i++;
                    _state = State.Length;
                    _length = _lengthBytes = 0;
                    _multiplier = 1;
                    break;
                case State.Length:
                    var b = data[i++];
                    _length += (b & 0x7F) * _multiplier;
                    _multiplier *= 128;
                    var limit = _connectSeen ? packetLimit : connectLimit;
                    if (_length > limit)
                    {
                        onOversized();
                        throw new IOException($"MQTT packet of {_length}+ bytes exceeds the {limit}-byte limit{(_connectSeen ? "" : " before CONNECT")}");
                    }
                    if ((b & 0x80) != 0)
                    {
                        if (++_lengthBytes == 4) throw new IOException("malformed MQTT remaining length");
                        break;
                    }
                    if (_length == 0) PacketDone();
                    else { _remaining = _length; _state = State.Body; }
                    break;
                default:
                    var take = (int)Math.Min(_remaining, data.Length - i);
                    i += take;
                    if ((_remaining -= take) == 0) PacketDone();
                    break;
            }
        }
    }

    void PacketDone()
    {
        _state = State.Header;
        if (_connectSeen) return;
        _connectSeen = true;
        onConnectPacket();
    }
}
