// A minimal MQTT 3.1.1 client on raw sockets: CONNECT/CONNACK, PUBLISH QoS 0/1 with PUBACK, SUBSCRIBE/SUBACK,
// PINGREQ, and a receive loop that hands whole packets to a subclass. Small enough to hold tens of thousands of
// idle connections from one process (an idle connection is just a Socket: no buffers, no pending reads).
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Thingyard.Bench;

public static class Mqtt
{
    public const byte Connect = 0x10, ConnAck = 0x20, Publish = 0x30, PubAck = 0x40, Subscribe = 0x82, SubAck = 0x90,
        PingReq = 0xC0, PingResp = 0xD0, Disconnect = 0xE0;

    public static readonly byte[] DisconnectPacket = [Disconnect, 0];
    public static readonly byte[] PingPacket = [PingReq, 0];

    /// <summary>Bytes needed for the variable-length "remaining length".</summary>
    public static int LengthSize(int n) => n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;

    public static int WriteLength(Span<byte> dst, int n)
    {
        var i = 0;
        do
        {
            var b = (byte)(n % 128);
            n /= 128;
            if (n > 0) b |= 0x80;
            dst[i++] = b;
        } while (n > 0);
        return i;
    }

    static void WriteString(List<byte> to, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        to.Add((byte)(bytes.Length >> 8));
        to.Add((byte)bytes.Length);
        to.AddRange(bytes);
    }

    static byte[] Packet(byte header, List<byte> body)
    {
        var packet = new byte[1 + LengthSize(body.Count) + body.Count];
        packet[0] = header;
        var n = 1 + WriteLength(packet.AsSpan(1), body.Count);
        body.CopyTo(packet, n);
        return packet;
    }

    public static byte[] ConnectPacket(string clientId, string? username, string? password, ushort keepAliveSeconds, bool cleanSession = true)
    {
        var body = new List<byte> { 0, 4, (byte)'M', (byte)'Q', (byte)'T', (byte)'T', 4 };
        byte flags = cleanSession ? (byte)0x02 : (byte)0;
        if (username is not null) flags |= 0x80;
        if (password is not null) flags |= 0x40;
        body.Add(flags);
        body.Add((byte)(keepAliveSeconds >> 8));
        body.Add((byte)keepAliveSeconds);
        WriteString(body, clientId);
        if (username is not null) WriteString(body, username);
        if (password is not null) WriteString(body, password);
        return Packet(Connect, body);
    }

    public static byte[] SubscribePacket(ushort packetId, string filter, byte qos)
    {
        var body = new List<byte> { (byte)(packetId >> 8), (byte)packetId };
        WriteString(body, filter);
        body.Add(qos);
        return Packet(Subscribe, body);
    }

    /// <summary>Writes one PUBLISH into <paramref name="dst"/>; returns its length.</summary>
    public static int WritePublish(Span<byte> dst, ReadOnlySpan<byte> topic, ReadOnlySpan<byte> payload, int qos, ushort packetId)
    {
        var remaining = 2 + topic.Length + (qos > 0 ? 2 : 0) + payload.Length;
        dst[0] = (byte)(Publish | (qos << 1));
        var i = 1 + WriteLength(dst[1..], remaining);
        BinaryPrimitives.WriteUInt16BigEndian(dst[i..], (ushort)topic.Length);
        i += 2;
        topic.CopyTo(dst[i..]);
        i += topic.Length;
        if (qos > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(dst[i..], packetId);
            i += 2;
        }
        payload.CopyTo(dst[i..]);
        return i + payload.Length;
    }

    public static int MaxPublishSize(int topicLength, int payloadLength) => 1 + 4 + 2 + topicLength + 2 + payloadLength;

    public static void WritePubAck(Span<byte> dst, ushort packetId)
    {
        dst[0] = PubAck;
        dst[1] = 2;
        BinaryPrimitives.WriteUInt16BigEndian(dst[2..], packetId);
    }

    /// <summary>Splits a PUBLISH body (after the fixed header) into topic, packet id and payload.</summary>
    public static void ReadPublish(byte flags, ReadOnlySpan<byte> body, out ReadOnlySpan<byte> topic, out ushort packetId, out ReadOnlySpan<byte> payload)
    {
        var topicLength = BinaryPrimitives.ReadUInt16BigEndian(body);
        topic = body.Slice(2, topicLength);
        var i = 2 + topicLength;
        var qos = (flags >> 1) & 3;
        packetId = 0;
        if (qos > 0)
        {
            packetId = BinaryPrimitives.ReadUInt16BigEndian(body[i..]);
            i += 2;
        }
        payload = body[i..];
    }

    /// <summary>Opens a TCP connection (bound to <paramref name="source"/> when given), sends CONNECT and waits for CONNACK.
    /// Returns the socket, or throws <see cref="MqttRefusedException"/> with the CONNACK return code.</summary>
    public static async Task<Socket> OpenAsync(IPEndPoint server, IPAddress? source, byte[] connectPacket, CancellationToken ct)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            if (source is not null) socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(server, ct);
            await socket.SendAsync(connectPacket, SocketFlags.None, ct);
            var ack = new byte[4];
            var got = 0;
            while (got < 4)
            {
                var n = await socket.ReceiveAsync(ack.AsMemory(got), SocketFlags.None, ct);
                if (n == 0) throw new MqttRefusedException(-1, "connection closed before CONNACK");
                got += n;
            }
            if (ack[0] != ConnAck || ack[1] != 2) throw new MqttRefusedException(-2, $"not a CONNACK: {ack[0]:X2} {ack[1]:X2}");
            if (ack[3] != 0) throw new MqttRefusedException(ack[3], $"CONNACK return code {ack[3]}");
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends DISCONNECT (best effort) and closes.</summary>
    public static void Close(Socket socket)
    {
        try { socket.Send(DisconnectPacket, SocketFlags.None); } catch (SocketException) { } catch (ObjectDisposedException) { }
        try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
        socket.Dispose();
    }

    /// <summary>True while the peer has not closed the connection (nothing readable, or data waiting).</summary>
    public static bool IsAlive(Socket socket)
    {
        try
        {
            if (!socket.Poll(0, SelectMode.SelectRead)) return true;
            return socket.Available > 0;
        }
        catch (SocketException) { return false; }
        catch (ObjectDisposedException) { return false; }
    }
}

public sealed class MqttRefusedException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>An active connection with a receive loop: subclasses get whole packets and may queue bytes to send;
/// queued bytes go out in one write after each received chunk (replies to many packets share a syscall).</summary>
public abstract class MqttSession(Socket socket) : IDisposable
{
    protected Socket Socket { get; } = socket;
    byte[] _in = new byte[64 * 1024];
    int _inLength;
    byte[] _out = new byte[64 * 1024];
    int _outLength;
    readonly SemaphoreSlim _sendGate = new(1, 1);
    ushort _nextPacketId;

    protected ushort NextPacketId() => _nextPacketId = (ushort)(_nextPacketId == ushort.MaxValue ? 1 : _nextPacketId + 1);

    /// <summary>Space for <paramref name="size"/> more outgoing bytes; call <see cref="Commit"/> with what was written.</summary>
    protected Span<byte> Reserve(int size)
    {
        if (_outLength + size > _out.Length) Array.Resize(ref _out, Math.Max(_out.Length * 2, _outLength + size));
        return _out.AsSpan(_outLength);
    }

    protected void Commit(int written) => _outLength += written;

    protected int Queued => _outLength;

    /// <summary>Sends what is queued. Only the receive loop (or, before it starts, the owner) may queue and flush.</summary>
    protected async ValueTask FlushAsync(CancellationToken ct)
    {
        if (_outLength == 0) return;
        await _sendGate.WaitAsync(ct);
        try
        {
            var sent = 0;
            while (sent < _outLength) sent += await Socket.SendAsync(_out.AsMemory(sent, _outLength - sent), SocketFlags.None, ct);
            _outLength = 0;
        }
        finally { _sendGate.Release(); }
    }

    /// <summary>Sends a packet from another task than the receive loop (the loop's own sends go through Reserve/Flush).</summary>
    public async ValueTask SendDirectAsync(ReadOnlyMemory<byte> packet, CancellationToken ct)
    {
        await _sendGate.WaitAsync(ct);
        try
        {
            var sent = 0;
            while (sent < packet.Length) sent += await Socket.SendAsync(packet[sent..], SocketFlags.None, ct);
        }
        finally { _sendGate.Release(); }
    }

    /// <summary>Subscribes and waits for the SUBACK (before the receive loop runs).</summary>
    public async Task SubscribeAsync(string filter, byte qos, CancellationToken ct)
    {
        await SendDirectAsync(Mqtt.SubscribePacket(NextPacketId(), filter, qos), ct);
        var ack = new byte[5];
        var got = 0;
        while (got < 5)
        {
            var n = await Socket.ReceiveAsync(ack.AsMemory(got), SocketFlags.None, ct);
            if (n == 0) throw new IOException("connection closed before SUBACK");
            got += n;
        }
        if (ack[0] != Mqtt.SubAck) throw new IOException($"expected SUBACK, got {ack[0]:X2}");
        if (ack[4] == 0x80) throw new IOException($"subscription to {filter} refused");
    }

    /// <summary>Handles one packet; <paramref name="body"/> is everything after the fixed header.</summary>
    protected abstract void OnPacket(byte header, ReadOnlySpan<byte> body);

    /// <summary>Called after each received chunk is parsed; return false to stop the loop.</summary>
    protected virtual bool AfterChunk() => true;

    /// <summary>Reads until the peer closes, the token fires or <see cref="AfterChunk"/> says stop.</summary>
    public async Task ReceiveLoopAsync(CancellationToken ct)
    {
        try
        {
            while (true)
            {
                if (_inLength == _in.Length) Array.Resize(ref _in, _in.Length * 2);
                var n = await Socket.ReceiveAsync(_in.AsMemory(_inLength), SocketFlags.None, ct);
                if (n == 0) return;
                _inLength += n;
                Parse();
                var go = AfterChunk();
                await FlushAsync(ct);
                if (!go) return;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (SocketException) { }
        catch (ObjectDisposedException) { }
    }

    void Parse()
    {
        var span = _in.AsSpan(0, _inLength);
        var at = 0;
        while (at + 2 <= span.Length)
        {
            var length = 0;
            var multiplier = 1;
            var i = at + 1;
            var complete = false;
            while (i < span.Length)
            {
                var b = span[i++];
                length += (b & 0x7F) * multiplier;
                multiplier *= 128;
                if ((b & 0x80) == 0) { complete = true; break; }
            }
            if (!complete || i + length > span.Length) break;
            OnPacket(span[at], span.Slice(i, length));
            at = i + length;
        }
        if (at > 0)
        {
            span[at..].CopyTo(_in);
            _inLength -= at;
        }
    }

    public void Dispose()
    {
        Mqtt.Close(Socket);
        _sendGate.Dispose();
    }
}
