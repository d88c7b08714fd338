// A .NET client of the server-side subscription, connecting as Alibaba documents (AMQP 1.0, SASL PLAIN with the aksign
// user name and HMAC password, an idle-time-out in the open frame, one receiver link), on Microsoft.Azure.Amqp. Used
// by `thingyard subscribe consume` and the bench; applications may use it too.
using System.Globalization;
using System.Net.Security;
using System.Threading.Channels;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;
using Thingyard.Protocol.Signing;

namespace Thingyard.Protocol.Subscriptions;

/// <summary>One message of a consumer group: its topic, message id, when the platform made it, and the payload.</summary>
public sealed record SubscribedMessage(string Topic, string MessageId, long GenerateTime, byte[] Payload);

/// <summary>What Accept takes: the delivery a message came in.</summary>
public readonly struct DeliveryToken
{
    internal readonly Delivery Delivery;
    internal DeliveryToken(Delivery delivery) => Delivery = delivery;
}

public sealed class AmqpSubscriber : IAsyncDisposable
{
    /// <summary>How long accepts wait to go out together in one disposition frame.</summary>
    static readonly TimeSpan AcceptBatching = TimeSpan.FromMilliseconds(20);

    readonly AmqpConnection _connection;
    readonly AmqpSession _session;
    readonly ReceivingAmqpLink _link;
    readonly Timer _flusher;
    int _unflushed;
    // Filled by the link's message listener as deliveries arrive: a receive that finds one waiting costs no timer and
    // no task, where the link's own ReceiveMessageAsync sets up both for every message.
    readonly Channel<(SubscribedMessage, DeliveryToken)> _arrived;

    AmqpSubscriber(AmqpConnection connection, AmqpSession session, ReceivingAmqpLink link, Channel<(SubscribedMessage, DeliveryToken)> arrived)
    {
        _connection = connection;
        _session = session;
        _link = link;
        _arrived = arrived;
        _flusher = new Timer(static s => ((AmqpSubscriber)s!).FlushAccepted(), this, AcceptBatching, AcceptBatching);
    }

    public sealed record Options(string Host, int Port, string AccessKeyId, string AccessKeySecret, string ConsumerGroupId)
    {
        public bool Tls { get; init; } = true;
        public string ClientId { get; init; } = "thingyard-" + Environment.MachineName;
        public string? IotInstanceId { get; init; }
        public string SignMethod { get; init; } = "hmacsha1";
        /// <summary>Sent in the open frame; the platform accepts 30,000 to 300,000 ms.</summary>
        public uint IdleTimeoutMs { get; init; } = 60_000;
        /// <summary>Messages the server may send ahead of the acknowledgements.</summary>
        public uint Prefetch { get; init; } = 500;
        /// <summary>Checks the server's certificate (null: the system's trust).</summary>
        public RemoteCertificateValidationCallback? ValidateCertificate { get; init; }
        /// <summary>A listener, as Alibaba's documented clients have (the Java MessageListener, rhea's 'message' event):
        /// called for each message in order on the connection's I/O thread, which reads nothing more until it returns.
        /// With one set, ReceiveAsync finds nothing; it saves the hand-over to a receiving task (a thread wake-up and a
        /// queue entry per message, a fifth of the client's CPU when profiled). It gets the subscriber, to accept with.</summary>
        public Action<AmqpSubscriber, SubscribedMessage, DeliveryToken>? OnMessage { get; init; }
    }

    public static async Task<AmqpSubscriber> ConnectAsync(Options o, CancellationToken ct = default)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sasl = new SaslPlainHandler
        {
            AuthenticationIdentity = AmqpSignature.UserName(o.ClientId, o.AccessKeyId, timestamp, o.ConsumerGroupId, o.IotInstanceId, o.SignMethod),
            Password = AmqpSignature.Password(o.SignMethod, o.AccessKeySecret, o.AccessKeyId, timestamp.ToString(CultureInfo.InvariantCulture))
                ?? throw new ArgumentException($"{o.SignMethod} is not hmacsha1, hmacsha256 or hmacmd5"),
        };
        var settings = new AmqpSettings();
        var saslProvider = new SaslTransportProvider();
        saslProvider.Versions.Add(new AmqpVersion(1, 0, 0));
        saslProvider.AddHandler(sasl);
        settings.TransportProviders.Add(saslProvider);
        var amqpProvider = new AmqpTransportProvider();
        amqpProvider.Versions.Add(new AmqpVersion(1, 0, 0));
        settings.TransportProviders.Add(amqpProvider);

        // A read buffer of its own: without one the library reads each frame from the socket in two calls (its 4-byte
        // size, then its body), a quarter of this client's CPU when profiled at 15,000 messages/s.
        TransportSettings transport = new TcpTransportSettings { Host = o.Host, Port = o.Port, ReceiveBufferSize = 64 * 1024 };
        if (o.Tls) transport = new TlsTransportSettings(transport) { TargetHost = o.Host, CertificateValidationCallback = o.ValidateCertificate };
        var initiator = new AmqpTransportInitiator(settings, transport);
        var connected = await Task.Factory.FromAsync(initiator.BeginConnect, initiator.EndConnect, TimeSpan.FromSeconds(30), null).WaitAsync(ct);
        var connection = new AmqpConnection(connected, settings, new AmqpConnectionSettings
        {
            ContainerId = o.ClientId, HostName = o.Host, IdleTimeOut = o.IdleTimeoutMs,
        });
        try
        {
            await connection.OpenAsync(ct);
            var session = connection.CreateSession(new AmqpSessionSettings());
            await session.OpenAsync(ct);
            var linkSettings = new AmqpLinkSettings
            {
                LinkName = "thingyard-subscriber-" + Guid.NewGuid().ToString("N"),
                Role = true, // this end receives
                Source = new Source(),
                Target = new Target(),
                SettleType = SettleMode.SettleOnDispose,
                TotalLinkCredit = o.Prefetch,
                AutoSendFlow = true,
            };
            var link = new ReceivingAmqpLink(session, linkSettings);
            var arrived = Channel.CreateUnbounded<(SubscribedMessage, DeliveryToken)>(new UnboundedChannelOptions { SingleWriter = true });
            var subscriber = new AmqpSubscriber(connection, session, link, arrived);
            if (o.OnMessage is { } onMessage)
                link.RegisterMessageListener(m =>
                {
                    var (message, tag) = Read(m);
                    onMessage(subscriber, message, tag);
                });
            else link.RegisterMessageListener(m => arrived.Writer.TryWrite(Read(m)));
            link.Closed += (_, _) => arrived.Writer.TryComplete();
            await link.OpenAsync(ct);
            return subscriber;
        }
        catch
        {
            connection.SafeClose();
            throw;
        }
    }

    /// <summary>The next message (null when none came within <paramref name="wait"/>, or the link has closed); call
    /// Accept once it is handled.</summary>
    public async Task<(SubscribedMessage Message, DeliveryToken Tag)?> ReceiveAsync(TimeSpan wait, CancellationToken ct = default)
    {
        if (_arrived.Reader.TryRead(out var got)) return got;
        // Caught up: the accepts so far go out now rather than at the next tick (the platform may be holding those
        // messages for them, and the devices that sent them for their acknowledgements).
        FlushAccepted();
        using var within = CancellationTokenSource.CreateLinkedTokenSource(ct);
        within.CancelAfter(wait);
        try
        {
            while (await _arrived.Reader.WaitToReadAsync(within.Token))
                if (_arrived.Reader.TryRead(out got)) return got;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested) { }
        return null;
    }

    static (SubscribedMessage, DeliveryToken) Read(AmqpMessage m)
    {
        using (m)
        {
            var props = m.ApplicationProperties?.Map;
            string Text(string key) => props?[key]?.ToString() ?? "";
            var generate = props?["generateTime"] is { } g ? Convert.ToInt64(g, CultureInfo.InvariantCulture) : 0;
            byte[]? payload = null;
            foreach (var d in m.DataBody)
                if (d.Value is ArraySegment<byte> s)
                    payload = payload is null ? s.ToArray() : [.. payload, .. s];
            return (new SubscribedMessage(Text("topic"), Text("messageId"), generate, payload ?? []), new DeliveryToken(m));
        }
    }

    /// <summary>Accepts a delivery: the platform removes it from the group's backlog. Accepts go out together, one
    /// disposition frame for a run of deliveries, when the next ReceiveAsync finds nothing waiting, or within 20 ms: the
    /// library's own batching sends a frame per accept once a batch is pending.</summary>
    public void Accept(DeliveryToken tag)
    {
        _link.DisposeDelivery(tag.Delivery, true, AmqpConstants.AcceptedOutcome, noFlush: true);
        Volatile.Write(ref _unflushed, 1);
    }

    void FlushAccepted()
    {
        if (Interlocked.Exchange(ref _unflushed, 0) == 0 || _session.State != AmqpObjectState.Opened) return;
        try { _session.Flush(); }
        catch (Exception) { } // the connection is closing; the group resends what it did not hear of
    }

    public async ValueTask DisposeAsync()
    {
        await _flusher.DisposeAsync();
        FlushAccepted();
        try { await _connection.CloseAsync(CancellationToken.None); }
        catch (Exception) { _connection.SafeClose(); }
    }
}
