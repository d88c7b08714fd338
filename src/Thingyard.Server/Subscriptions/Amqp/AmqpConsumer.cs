// A client's receiver link as a consumer of its group: messages go out as AMQP messages with Alibaba's application
// properties (topic, messageId, generateTime) and the payload as one data section; the client's dispositions come
// back to the group (accepted or rejected: done; released or modified: sent again).
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Thingyard.Subscriptions;

namespace Thingyard.Server.Subscriptions.Amqp;

public sealed class AmqpConsumer : IConsumer
{
    readonly SendingAmqpLink _link;
    readonly IGroupFeed _group;
    readonly CoalescingTransport? _transport;
    int _sent;

    public AmqpConsumer(SendingAmqpLink link, IGroupFeed group, CoalescingTransport? transport, string clientId, string address, long connectedAtMs)
    {
        _link = link;
        _transport = transport;
        _group = group;
        ClientId = clientId;
        Address = address;
        ConnectedAtMs = connectedAtMs;
        link.RegisterCreditListener((_, _, _) => _group.CreditAdded());
        link.RegisterDispositionListener(Settled);
    }

    /// <summary>What it is attached to (its group's queue, or the feed from the group's home node).</summary>
    public IGroupFeed Feed => _group;
    public string ClientId { get; }
    public string Address { get; }
    public long ConnectedAtMs { get; }
    public int Credit => (int)Math.Min(_link.LinkCredit, int.MaxValue);

    /// <summary>The run goes out in one socket write (the transport is corked around it).</summary>
    public void Send(IReadOnlyList<BacklogMessage> messages)
    {
        _transport?.Cork();
        try
        {
            foreach (var m in messages) Send(m);
        }
        finally { _transport?.Uncork(); }
    }

    void Send(BacklogMessage m)
    {
        var message = AmqpMessage.Create(new Data { Value = new ArraySegment<byte>(m.Payload) });
        var id = m.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        message.Properties.MessageId = id;
        message.ApplicationProperties.Map["topic"] = m.Topic;
        message.ApplicationProperties.Map["messageId"] = id;
        message.ApplicationProperties.Map["generateTime"] = m.GenerateTimeMs;
        // Batchable: the client need not settle each delivery at once (AMQP 1.0, 2.7.5). Microsoft.Azure.Amqp then
        // gathers its dispositions into one frame per run; without the hint it sent a frame per accepted message, and
        // the server read each with a recvfrom of its own.
        message.Batchable = true;
        // The tag is the id and a count: a message sent again on the same link (its first delivery still unsettled there)
        // needs a tag of its own.
        var tag = new byte[sizeof(long) + sizeof(int)];
        BitConverter.TryWriteBytes(tag, m.Id);
        BitConverter.TryWriteBytes(tag.AsSpan(sizeof(long)), Interlocked.Increment(ref _sent));
        _link.SendMessageNoWait(message, new ArraySegment<byte>(tag), AmqpConstants.NullBinary);
        // A client that settles on send (pre-settled, at most once) has taken it as it went.
        if (_link.Settings.SettleType == SettleMode.SettleOnSend) _group.Settled(this, m.Id, done: true);
    }

    void Settled(Delivery delivery)
    {
        var tag = delivery.DeliveryTag;
        if (tag.Count != sizeof(long) + sizeof(int)) return;
        var id = BitConverter.ToInt64(tag.Array!, tag.Offset);
        var code = delivery.State?.DescriptorCode;
        var done = code == Accepted.Code || code == Rejected.Code;
        if (!delivery.Settled) _link.DisposeDelivery(delivery, true, delivery.State);
        if (done || code == Released.Code || code == Modified.Code) _group.Settled(this, id, done);
    }
}
