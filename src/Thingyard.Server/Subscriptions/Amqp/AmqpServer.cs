// The server-side subscription endpoint: AMQP 1.0 over TLS (and plain TCP for local development), served by
// Microsoft.Azure.Amqp (framing, SASL, sessions, flow control and settlement are the library's). The rules are
// Alibaba's: SASL PLAIN with the signed user name (AmqpAuthenticator), an idle-time-out of 30 to 300 s in the client's
// open frame, one receiver link per connection opened within 15 s, and no sender links (clients only receive).
using System.Collections.Concurrent;
using System.Net;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Subscriptions.Amqp;

public sealed class AmqpServer(AmqpOptions options, AmqpAuthenticator authenticator, DeliveryHub hub, DeviceTls tls, TimeProvider time,
    ILogger<AmqpServer> log) : IHostedService, IRuntimeProvider
{
    public const uint MinIdleTimeoutMs = 30_000;
    public const uint MaxIdleTimeoutMs = 300_000;
    /// <summary>Each connection's read buffer: without one Microsoft.Azure.Amqp reads every frame from the socket in two
    /// calls (its 4-byte size, then its body).</summary>
    const int ReadBufferSize = 16 * 1024;
    /// <summary>How long a connection may stay without its receiver link: Alibaba's 15 s. Tests shorten it to see the
    /// refusal without waiting; read when each connection opens.</summary>
    public TimeSpan LinkDeadline { get; set; } = TimeSpan.FromSeconds(15);

    readonly ConcurrentDictionary<AmqpConnection, ClientConnection> _connections = new();
    AmqpTransportListener? _listener;
    AmqpSettings? _settings;
    ITimer? _kicker;

    /// <summary>Bound ports after start; 0 when that listener is off.</summary>
    public int Port { get; private set; }
    public int TlsPort { get; private set; }
    public int ConnectionCount => _connections.Count;

    sealed class ClientConnection
    {
        public uint PeerIdleTimeout = uint.MaxValue;
        public string Address = "";
        public AmqpConsumer? Consumer;
        public CoalescingTransport? Transport;
        public ITimer? Deadline;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Port < 0 && options.TlsPort < 0) return Task.CompletedTask;
        var settings = _settings = new AmqpSettings { RuntimeProvider = this };
        var amqp10 = new AmqpVersion(1, 0, 0);
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(amqp10);
        sasl.AddHandler(new SignedPlainHandler(authenticator));
        settings.TransportProviders.Add(sasl);
        var protocol = new AmqpTransportProvider();
        protocol.Versions.Add(amqp10);
        settings.TransportProviders.Add(protocol);

        var address = IPAddress.Parse(options.BindAddress);
        TcpTransportSettings Tcp(int port) => new() { Host = options.BindAddress, Port = port, ReceiveBufferSize = ReadBufferSize };
        var listeners = new List<TransportListener>();
        if (options.Port >= 0)
        {
            Port = Resolve(address, options.Port);
            listeners.Add(Tcp(Port).CreateListener());
        }
        if (options.TlsPort >= 0)
        {
            TlsPort = Resolve(address, options.TlsPort);
            listeners.Add(new TlsTransportSettings(Tcp(TlsPort), false) { Certificate = tls.Certificate }.CreateListener());
        }
        _listener = new AmqpTransportListener(listeners, settings);
        _listener.Listen(OnAcceptTransport);
        _kicker = time.CreateTimer(_ => KickAll(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

        var host = address.Equals(IPAddress.Any) ? "0.0.0.0" : address.ToString();
        if (Port > 0) log.LogInformation("AMQP listening on: amqp://{Host}:{Port}", host, Port);
        if (TlsPort > 0) log.LogInformation("AMQP listening on: amqps://{Host}:{Port}", host, TlsPort);
        return Task.CompletedTask;
    }

    /// <summary>Port 0 means a free one: the library's TCP listener neither takes 0 usefully nor tells the port it
    /// bound, so a free port is found first (as the tests' HTTP ports are).</summary>
    static int Resolve(IPAddress address, int port)
    {
        if (port != 0) return port;
        using var probe = new System.Net.Sockets.Socket(address.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(address, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    void KickAll()
    {
        foreach (var client in _connections.Values)
            if (client.Transport?.Kick() == true)
                log.LogWarning("AMQP connection {Address}: frames waited in its write buffer with no write under way; written now", client.Address);
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _kicker?.Dispose();
        _listener?.Close();
        foreach (var connection in _connections.Keys) connection.SafeClose();
        return Task.CompletedTask;
    }

    void OnAcceptTransport(TransportListener listener, TransportAsyncCallbackArgs args)
    {
        if (args.Exception is not null)
        {
            log.LogInformation("AMQP connection failed before it opened: {Error}", args.Exception.Message);
            args.Transport?.SafeClose();
            return;
        }
        AmqpConnection? connection = null;
        try
        {
            var connectionSettings = new AmqpConnectionSettings
            {
                ContainerId = "thingyard",
                IdleTimeOut = MaxIdleTimeoutMs, // ours: the client must send something within 300 s
                // The bounds are checked once open (Opened), so a refusal says what Alibaba's range is.
                MinIdleTimeout = 0,
            };
            var transport = new CoalescingTransport(args.Transport);
            transport.Open();
            connection = new AmqpConnection(transport, (ProtocolHeader)args.UserToken, false, _settings!, connectionSettings);
            var client = new ClientConnection { Address = args.Transport.RemoteEndPoint?.ToString() ?? "", Transport = transport };
            connection.Opening += (_, e) => { if (e.Command is Open open) client.PeerIdleTimeout = open.IdleTimeOut ?? uint.MaxValue; };
            _connections[connection] = client;
            connection.Closed += (s, _) => Closed((AmqpConnection)s!);
            var opening = connection;
            connection.BeginOpen(AmqpConstants.DefaultTimeout, r => Opened(opening, r), null);
        }
        catch (Exception e)
        {
            log.LogInformation("AMQP connection refused while opening: {Error}", e.Message);
            connection?.SafeClose(e);
        }
    }

    void Opened(AmqpConnection connection, IAsyncResult result)
    {
        try
        {
            connection.EndOpen(result);
        }
        catch (Exception e)
        {
            log.LogInformation("AMQP connection failed to open: {Error}", e.Message);
            connection.SafeClose(e);
            return;
        }
        if (!_connections.TryGetValue(connection, out var client)) return;
        var principal = (AmqpClientPrincipal)connection.Principal;
        if (client.PeerIdleTimeout is < MinIdleTimeoutMs or > MaxIdleTimeoutMs)
        {
            var shown = client.PeerIdleTimeout == uint.MaxValue ? "none" : $"{client.PeerIdleTimeout} ms";
            log.LogWarning("AMQP client {ClientId} refused: idle-time-out {IdleTimeOut}; use 30,000 to 300,000 ms", principal.ClientId, shown);
            connection.SafeClose(new AmqpException(AmqpErrorCode.NotAllowed, $"idle-time-out {shown} is outside 30000-300000 ms"));
            return;
        }
        var deadline = LinkDeadline;
        client.Deadline = time.CreateTimer(_ =>
        {
            if (client.Consumer is not null) return;
            log.LogWarning("AMQP client {ClientId} closed: no receiver link within {Seconds} s of connecting", principal.ClientId, deadline.TotalSeconds);
            connection.SafeClose(new AmqpException(AmqpErrorCode.NotAllowed, $"open a receiver link within {deadline.TotalSeconds} s of connecting"));
        }, null, deadline, Timeout.InfiniteTimeSpan);
        log.LogInformation("AMQP client {ClientId} connected for consumer group {Group}", principal.ClientId, principal.GroupName);
    }

    void Closed(AmqpConnection connection)
    {
        if (!_connections.TryRemove(connection, out var client)) return;
        client.Deadline?.Dispose();
        if (client.Consumer is { } consumer)
        {
            consumer.Feed.Detach(consumer); // its link may not have closed first
            log.LogInformation("AMQP client {ClientId} disconnected", consumer.ClientId);
        }
    }

    /// <summary>Closes the connections of a group (deleted), telling the clients why.</summary>
    public void CloseGroup(long groupId, string reason)
    {
        foreach (var connection in _connections.Keys)
            if (connection.Principal is AmqpClientPrincipal p && p.GroupId == groupId)
                connection.SafeClose(new AmqpException(AmqpErrorCode.NotFound, reason));
    }

    public AmqpConnection CreateConnection(TransportBase transport, ProtocolHeader protocolHeader, bool isInitiator, AmqpSettings amqpSettings, AmqpConnectionSettings connectionSettings) =>
        new(transport, protocolHeader, isInitiator, amqpSettings, connectionSettings);

    public AmqpSession CreateSession(AmqpConnection connection, AmqpSessionSettings settings) =>
        throw new InvalidOperationException("sessions are made by the connection");

    public AmqpLink CreateLink(AmqpSession session, AmqpLinkSettings settings)
    {
        var connection = session.Connection;
        // Role true: this end receives, so the client would be sending.
        if (settings.Role == true) throw new AmqpException(AmqpErrorCode.NotAllowed, "the endpoint only sends: open a receiver link");
        if (!_connections.TryGetValue(connection, out var client)) throw new AmqpException(AmqpErrorCode.IllegalState, "the connection is closing");
        lock (client)
        {
            if (client.Consumer is not null) throw new AmqpException(AmqpErrorCode.NotAllowed, "one receiver link per connection");
            var principal = (AmqpClientPrincipal)connection.Principal;
            var link = new SendingAmqpLink(session, settings);
            var group = hub.FeedFor(principal.GroupId);
            var consumer = client.Consumer = new AmqpConsumer(link, group, client.Transport, principal.ClientId, client.Address, time.GetUtcNow().ToUnixTimeMilliseconds());
            // The group sends only once the attach is answered; a link closed on its own (the connection stays) leaves it.
            link.Opened += (_, _) => group.Attach(consumer);
            link.Closed += (_, _) => group.Detach(consumer);
            return link;
        }
    }

    public IAsyncResult BeginOpenLink(AmqpLink link, TimeSpan timeout, AsyncCallback callback, object state)
    {
        var done = new CompletedResult(state);
        callback(done);
        return done;
    }

    public void EndOpenLink(IAsyncResult result)
    {
    }

    sealed class CompletedResult(object? state) : IAsyncResult
    {
        public object? AsyncState => state;
        public WaitHandle AsyncWaitHandle => throw new NotSupportedException();
        public bool CompletedSynchronously => true;
        public bool IsCompleted => true;
    }
}
