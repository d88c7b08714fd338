// The broker's connection lifecycle: CONNECT is decided by DeviceAuthenticator; accepted devices get a session,
// go online, replace an earlier connection of the same device, and go offline on disconnect or keepalive expiry.
// Subscriptions are checked against the ACL (custom topics against the product's topic classes); refused ones get a failure SUBACK, never a disconnect.
using System.Collections.Concurrent;
using System.Net;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Thingyard.Connectivity;
using Thingyard.Registry;
using Thingyard.Server.Gateways;
using Thingyard.Telemetry;
using Thingyard.Protocol.Topics;

namespace Thingyard.Server.Connectivity;

public sealed class BrokerHooks(Settings.MqttOptions mqtt, DeviceAuthenticator authenticator, DeviceSessions sessions, TelemetryPipeline telemetry,
    ConnectivityStats stats, MessageTap tap, GatewayUplinks gateways, MqttRegistrationFlow registration, Subscriptions.Forwarder forwarder,
    Thingyard.Topics.TopicClassDirectory topicClasses, IClusterSessions cluster, TimeProvider time, ILogger<BrokerHooks> log)
{
    const string RegistrationKey = "thingyard.registration";
    MqttServer? _server;
    // A client id reconnecting with clean=false gets the broker session of the connection it replaces, session items
    // included, so what ValidateAsync decided is handed to ConnectedAsync per connection (client id + remote endpoint).
    readonly ConcurrentDictionary<(string ClientId, EndPoint? Remote), (string Key, object Item)> _accepted = new();

    public void Attach(MqttServer server)
    {
        _server = server;
        server.ValidatingConnectionAsync += ValidateAsync;
        server.ClientConnectedAsync += ConnectedAsync;
        server.ClientDisconnectedAsync += DisconnectedAsync;
        server.InterceptingSubscriptionAsync += SubscribingAsync;
        server.ClientSubscribedTopicAsync += e => { (e.SessionItems?[DeviceSession.ItemKey] as DeviceSession)?.Subscribed(e.TopicFilter.Topic); return Task.CompletedTask; };
        server.ClientUnsubscribedTopicAsync += e => { (e.SessionItems?[DeviceSession.ItemKey] as DeviceSession)?.Unsubscribed(e.TopicFilter); return Task.CompletedTask; };
    }

    /// <summary>The whole MQTT client id, "|...|" block included. The platform allows 64 characters before the block; the
    /// longest block an official SDK sends (C 4.x with its extension) stays well under this.</summary>
    public const int MaxClientIdLength = 512;
    /// <summary>"deviceName&amp;productKey": names are at most 32 characters and keys 20 (the registry's rules); the margin
    /// keeps made-up names of any length out of the credential lookups and their cache.</summary>
    public const int MaxUserNameLength = 128;

    async Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        if (e.ClientId.Length > MaxClientIdLength)
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, $"client id over {MaxClientIdLength} characters");
            return;
        }
        if (e.UserName?.Length > MaxUserNameLength)
        {
            Refuse(e, MqttConnectReasonCode.BadUserNameOrPassword, $"user name over {MaxUserNameLength} characters");
            return;
        }
        var decision = await authenticator.DecideAsync(e.ClientId, e.UserName, e.Password, e.KeepAlivePeriod ?? 0, e.CancellationToken,
            remote: RemoteAddress.Text(e.RemoteEndPoint));
        if (!decision.Accepted)
        {
            Refuse(e, decision.Refusal switch
            {
                ConnectRefusal.NotAuthorized => MqttConnectReasonCode.NotAuthorized,
                ConnectRefusal.BadRequest or ConnectRefusal.Throttled => MqttConnectReasonCode.ServerUnavailable,
                _ => MqttConnectReasonCode.BadUserNameOrPassword,
            }, decision.Reason);
            return;
        }
        if (decision.Registration is { } request)
        {
            if (!e.IsSecureConnection)
            {
                Refuse(e, MqttConnectReasonCode.NotAuthorized, "registration must use TLS (the reply carries a secret)");
                return;
            }
            Accept(e, RegistrationKey, request);
            return;
        }
        var device = decision.Device!;
        // A client id belongs to the device that holds it: MQTT lets a new connection with the same id take the session
        // over, so another device (of any account) signing that id with its own secret must not close it.
        if (HolderOf(e.ClientId) is { } holder && holder != device.Identity.DeviceId)
        {
            Refuse(e, MqttConnectReasonCode.ClientIdentifierNotValid, $"the client id is in use by another device than {device.Identity}", LogLevel.Warning);
            return;
        }
        Accept(e, DeviceSession.ItemKey, new DeviceSession(e.ClientId, device.Identity, RemoteAddress.Text(e.RemoteEndPoint), decision.Features));
    }

    void Refuse(ValidatingConnectionEventArgs e, MqttConnectReasonCode code, string why, LogLevel level = LogLevel.Information)
    {
        stats.RefusedConnect();
        e.ReasonCode = code;
        log.Log(level, "Refused MQTT connect {ClientId} from {Endpoint}: {Reason}", LogText.Clip(e.ClientId), e.RemoteEndPoint, why);
    }

    /// <summary>The device connected (or being connected) with this client id, if any.</summary>
    long? HolderOf(string clientId)
    {
        if (sessions.ByClient(clientId) is { } connected) return connected.Device.DeviceId;
        foreach (var ((id, _), (_, item)) in _accepted)
            if (id == clientId && item is DeviceSession pending) return pending.Device.DeviceId;
        return null;
    }

    void Accept(ValidatingConnectionEventArgs e, string key, object item)
    {
        e.SessionItems[key] = item;
        _accepted[(e.ClientId, e.RemoteEndPoint)] = (key, item);
    }

    async Task ConnectedAsync(ClientConnectedEventArgs e)
    {
        if (_accepted.TryRemove((e.ClientId, e.RemoteEndPoint), out var accepted))
        {
            e.SessionItems.Remove(RegistrationKey);
            e.SessionItems.Remove(DeviceSession.ItemKey);
            e.SessionItems[accepted.Key] = accepted.Item;
        }
        if (e.SessionItems?[RegistrationKey] is DynamicRegistrationRequest request)
        {
            var server = _server!;
            _ = Task.Run(() => registration.RunAsync(server, e.ClientId, request));
            return;
        }
        if (e.SessionItems?[DeviceSession.ItemKey] is not DeviceSession session) return;
        session.Mqtt = await _server!.GetSessionAsync(e.ClientId);
        var previous = sessions.Add(session);
        if (previous is not null)
        {
            log.LogInformation("{Device} connected again as {ClientId}; closing its earlier connection {Previous}", session.Device, LogText.Clip(e.ClientId), LogText.Clip(previous.ClientId));
            _ = _server.DisconnectClientAsync(previous.ClientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.SessionTakenOver });
        }
        // In a cluster: the node that held the device before closes its connection, which then does not set it offline.
        if (cluster.Enabled) await cluster.ClaimAsync(session, session.Device.DeviceId);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await telemetry.WriteAsync(TelemetryEntry.Online(session.Device.DeviceId, now, session.Ip, cluster.Node));
        await forwarder.StatusAsync(session.Device, online: true, session.Ip, now, now);
        tap.Note(session.Device.DeviceId, $"online from {session.Ip}");
    }

    async Task DisconnectedAsync(ClientDisconnectedEventArgs e)
    {
        _accepted.TryRemove((e.ClientId, e.RemoteEndPoint), out _); // accepted but closed before it was connected
        if (e.SessionItems?[DeviceSession.ItemKey] is not DeviceSession session) return;
        foreach (var sub in session.SubDevices.Values.ToList()) gateways.LogoutOne(session, sub);
        if (!sessions.Remove(session)) return; // replaced by a newer connection: the device stays online
        if (cluster.Enabled && !await cluster.ReleaseAsync(session, session.Device.DeviceId)) return; // taken over on another node
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await telemetry.WriteAsync(TelemetryEntry.Offline(session.Device.DeviceId, now));
        await forwarder.StatusAsync(session.Device, online: false, session.Ip, now, session.LastActivityMs(now));
        tap.Note(session.Device.DeviceId, $"offline ({e.DisconnectType})");
    }

    async Task SubscribingAsync(InterceptingSubscriptionEventArgs e)
    {
        var filter = e.TopicFilter.Topic;
        if (e.SessionItems?[DeviceSession.ItemKey] is DeviceSession counted && counted.SubscriptionCount >= mqtt.MaxSubscriptionsPerClient
            && !counted.HasFilter(filter))
        {
            stats.RefusedSubscription();
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.QuotaExceeded;
            log.LogInformation("Refused subscription of {ClientId} to {Filter}: over {Max} subscriptions", LogText.Clip(e.ClientId), LogText.Clip(filter), mqtt.MaxSubscriptionsPerClient);
            return;
        }
        var owner = (e.SessionItems?[DeviceSession.ItemKey] as DeviceSession)?.Owner(filter);
        if (owner is null && !TopicAcl.IsRegistrationTopic(filter))
        {
            stats.RefusedSubscription();
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            log.LogInformation("Refused subscription of {ClientId} to {Filter}", LogText.Clip(e.ClientId), LogText.Clip(filter));
            return;
        }
        // Custom topics: only filters a SUB or ALL topic class of the owner's product covers.
        if (owner is not null && TopicClassSet.UserSuffix(filter, owner.ProductKey, owner.DeviceName) is >= 0 and var at
            && !(await topicClasses.ForProductAsync(owner.ProductId, e.CancellationToken)).MaySubscribe(filter[at..]))
        {
            stats.RefusedSubscription();
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            log.LogInformation("Refused subscription of {ClientId} to {Filter}: no topic class of product {ProductKey} allows subscribing to it",
                LogText.Clip(e.ClientId), LogText.Clip(filter), owner.ProductKey);
            return;
        }
        // QoS 2 is not offered: downgrade rather than refuse. The SUBACK (and the QoS MQTTnet grants) is the reason code.
        if (e.TopicFilter.QualityOfServiceLevel == MqttQualityOfServiceLevel.ExactlyOnce)
        {
            e.TopicFilter.QualityOfServiceLevel = MqttQualityOfServiceLevel.AtLeastOnce;
            e.Response.ReasonCode = MqttSubscribeReasonCode.GrantedQoS1;
        }
    }

    /// <summary>Closes this connection of the device, if it is still open here, or logs the sub-device out of this gateway
    /// connection (online on another node of a cluster now).</summary>
    public async Task TakenOverAsync(long deviceId, long connection)
    {
        if (sessions.Route(deviceId) is { } gateway && gateway.Device.DeviceId != deviceId && gateway.Connection == connection)
        {
            if (gateway.SubDevices.Values.FirstOrDefault(s => s.DeviceId == deviceId) is { } sub) gateways.LogoutOne(gateway, sub);
            return;
        }
        if (sessions.ByDevice(deviceId) is not { } session || session.Connection != connection || _server is null) return;
        log.LogInformation("{Device} connected to another node; closing its connection {ClientId} here", session.Device, LogText.Clip(session.ClientId));
        await _server.DisconnectClientAsync(session.ClientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.SessionTakenOver });
    }

    /// <summary>Drops devices that were disabled, deleted, distributed or transferred while connected.</summary>
    public void OnDeviceChanged(DeviceChange change)
    {
        // Transferred: the device reconnects as its new owner's (same credentials, a new identity).
        if (change.Kind is not (DeviceChangeKind.Disabled or DeviceChangeKind.Deleted or DeviceChangeKind.SecretChanged or DeviceChangeKind.Distributed
            or DeviceChangeKind.Transferred)) return;
        if (sessions.ByDevice(change.DeviceId) is { } session && _server is not null)
        {
            log.LogInformation("Disconnecting {Device}: {Change}", session.Device, change.Kind);
            _ = _server.DisconnectClientAsync(session.ClientId, new MqttServerClientDisconnectOptions { ReasonCode = MqttDisconnectReasonCode.NotAuthorized });
        }
        if (sessions.Route(change.DeviceId) is { } gateway && gateway.Device.DeviceId != change.DeviceId)
            if (gateway.SubDevices.Values.FirstOrDefault(s => s.DeviceId == change.DeviceId) is { } sub) gateways.LogoutOne(gateway, sub);
    }
}
