// A run of one consumer group's backlog messages stored as one row: the telemetry writer makes one per group per commit,
// so a forwarded message costs a share of one insert and one delete instead of a row of its own (with its index entry)
// to insert and then to delete. The row is deleted once every message in it is accepted; a crash before that delivers
// its already accepted messages once more (at least once). Seq orders the rows in commit order, never reused
// (AUTOINCREMENT on SQLite, an identity on PostgreSQL), so a group's reader can page through them.
using System.Buffers.Binary;
using System.Text;

namespace Thingyard.Subscriptions;

public sealed class BacklogSegment
{
    public long Seq { get; set; }
    /// <summary>The consumer group's row id.</summary>
    public long ConsumerGroupId { get; set; }
    /// <summary>The lowest and highest message id in it.</summary>
    public long FirstId { get; set; }
    public long LastId { get; set; }
    public int Count { get; set; }
    /// <summary>The newest message's generateTime (Unix ms): the retention drops the row once even that one is too old.</summary>
    public long GenerateTimeMs { get; set; }
    /// <summary>The messages, encoded by Of and read by Messages.</summary>
    public required byte[] Data { get; set; }

    const byte Version = 1;
    // Per message: id, device id and generateTime (8 bytes each), then the topic and the payload, each as a 4-byte length
    // and its bytes; little-endian, after a version byte.
    const int Fixed = 3 * sizeof(long) + 2 * sizeof(int);

    /// <summary>A segment of these messages (one group's, in id order).</summary>
    public static BacklogSegment Of(IReadOnlyList<BacklogMessage> messages)
    {
        var size = 1;
        long first = long.MaxValue, last = long.MinValue, newest = long.MinValue;
        foreach (var m in messages)
        {
            size += Fixed + Encoding.UTF8.GetByteCount(m.Topic) + m.Payload.Length;
            first = Math.Min(first, m.Id);
            last = Math.Max(last, m.Id);
            newest = Math.Max(newest, m.GenerateTimeMs);
        }
        var data = new byte[size];
        data[0] = Version;
        var at = 1;
        foreach (var m in messages)
        {
            var s = data.AsSpan(at);
            BinaryPrimitives.WriteInt64LittleEndian(s, m.Id);
            BinaryPrimitives.WriteInt64LittleEndian(s[8..], m.DeviceId);
            BinaryPrimitives.WriteInt64LittleEndian(s[16..], m.GenerateTimeMs);
            var topic = Encoding.UTF8.GetBytes(m.Topic, s[28..]);
            BinaryPrimitives.WriteInt32LittleEndian(s[24..], topic);
            var p = s[(28 + topic)..];
            BinaryPrimitives.WriteInt32LittleEndian(p, m.Payload.Length);
            m.Payload.CopyTo(p[4..]);
            at += Fixed + topic + m.Payload.Length;
        }
        return new BacklogSegment
        {
            ConsumerGroupId = messages[0].ConsumerGroupId, FirstId = first, LastId = last, Count = messages.Count, GenerateTimeMs = newest, Data = data,
        };
    }

    /// <summary>The messages stored in this segment, in the order they were written, each with this segment's Seq.</summary>
    public List<BacklogMessage> Messages()
    {
        if (Data.Length == 0 || Data[0] != Version) throw new InvalidDataException($"backlog segment {Seq}: unknown format {(Data.Length == 0 ? "(empty)" : Data[0])}");
        var list = new List<BacklogMessage>(Count);
        var s = Data.AsSpan(1);
        while (s.Length > 0)
        {
            if (s.Length < Fixed) throw new InvalidDataException($"backlog segment {Seq} is truncated");
            var topicLength = BinaryPrimitives.ReadInt32LittleEndian(s[24..]);
            if (topicLength < 0 || topicLength > s.Length - Fixed) throw new InvalidDataException($"backlog segment {Seq}: a topic length runs past its end");
            var payloadLength = BinaryPrimitives.ReadInt32LittleEndian(s[(28 + topicLength)..]);
            if (payloadLength < 0 || payloadLength > s.Length - Fixed - topicLength) throw new InvalidDataException($"backlog segment {Seq}: a payload length runs past its end");
            list.Add(new BacklogMessage
            {
                Id = BinaryPrimitives.ReadInt64LittleEndian(s),
                DeviceId = BinaryPrimitives.ReadInt64LittleEndian(s[8..]),
                GenerateTimeMs = BinaryPrimitives.ReadInt64LittleEndian(s[16..]),
                Topic = Encoding.UTF8.GetString(s.Slice(28, topicLength)),
                Payload = s.Slice(32 + topicLength, payloadLength).ToArray(),
                ConsumerGroupId = ConsumerGroupId,
                Seq = Seq,
            });
            s = s[(Fixed + topicLength + payloadLength)..];
        }
        return list;
    }
}
