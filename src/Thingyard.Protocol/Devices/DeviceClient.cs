// A device on the platform, for .NET programs: connects signed with its triplet (as the official SDKs sign), posts
// properties and events and waits for their replies, and answers property sets and service calls, asynchronous ones on
// the service's _reply topic and synchronous ones (RRPC) on rrpc/response. It asks the platform to subscribe it to its
// system topics itself (_ss=1, as the C SDK 4.x and Python LinkKit do), so it sends no SUBSCRIBE of its own.
using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Signing;
using Thingyard.Protocol.Topics;

namespace Thingyard.Protocol.Devices;

public sealed record DeviceClientOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 1883;
    /// <summary>MQTT over TLS (securemode 2). The server certificate is checked against the system's trust store unless
    /// <see cref="TrustedCertificate"/> names the one to accept (Thingyard writes its own as mqtt-tls.crt).</summary>
    public bool Tls { get; init; }
    public System.Security.Cryptography.X509Certificates.X509Certificate2? TrustedCertificate { get; init; }
    public string SignMethod { get; init; } = "hmacsha1";
    public int KeepAliveSeconds { get; init; } = 60;
    /// <summary>How long a post waits for its reply.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Makes the CONNECT's credentials for each connect instead of signing with the DeviceSecret (an ID²
    /// device: Id2Credentials).</summary>
    public Func<MqttCredentials>? Credentials { get; init; }
}

/// <summary>The platform's answer to a post: code 200 on success, else the Alink error code and message.</summary>
public sealed record AlinkAnswer(int Code, string? Message, string? DataJson)
{
    public bool Ok => Code == AlinkCodes.Ok;
}

/// <summary>What a service handler answers: a code (200 for success), the service's output parameters as JSON and,
/// optionally, the reply's message.</summary>
public sealed record ServiceResult(int Code, string? OutputJson = null, string? Message = null)
{
    public static ServiceResult Ok(string? outputJson = null) => new(AlinkCodes.Ok, outputJson);
}

public sealed class DeviceClient : IAsyncDisposable
{
    readonly DeviceTriplet _device;
    readonly DeviceClientOptions _options;
    readonly IMqttClient _mqtt;
    readonly ConcurrentDictionary<string, TaskCompletionSource<AlinkAnswer>> _pending = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Func<JsonElement, CancellationToken, Task<ServiceResult>>> _services = new(StringComparer.Ordinal);
    readonly string _sys;
    long _nextId;

    public DeviceClient(DeviceTriplet device, DeviceClientOptions? options = null)
    {
        _device = device;
        _options = options ?? new DeviceClientOptions();
        _sys = AlinkTopics.Sys(device.ProductKey, device.DeviceName, "");
        _mqtt = new MqttClientFactory().CreateMqttClient();
        _mqtt.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var payload = m.Payload.ToArray();
            // Handlers run off MQTTnet's receive loop: a slow one must not hold up other messages or keepalive.
            _ = Task.Run(() => DispatchAsync(m.Topic, payload));
            return Task.CompletedTask;
        };
    }

    public DeviceTriplet Device => _device;
    public bool IsConnected => _mqtt.IsConnected;

    /// <summary>Property sets from the cloud: return 200 to accept the values (the platform then records them), another
    /// code to refuse. Without a handler every set is accepted.</summary>
    public Func<JsonElement, CancellationToken, Task<int>>? OnPropertySet { get; set; }

    /// <summary>Every message that is not a reply, property set or service call (custom /user topics, broadcasts, ...).</summary>
    public Func<string, byte[], Task>? OnMessage { get; set; }

    /// <summary>Answers calls of the service <paramref name="identifier"/>, asynchronous and synchronous alike. A call of a
    /// service without a handler is answered with code 460.</summary>
    public void HandleService(string identifier, Func<JsonElement, CancellationToken, Task<ServiceResult>> handler) => _services[identifier] = handler;

    /// <summary>Connects (CONNACK 0) or throws with the broker's refusal.</summary>
    public async Task ConnectAsync(CancellationToken ct = default)
    {
        var credentials = _options.Credentials?.Invoke() ?? DeviceCredentials.Create(_device, new CredentialOptions
        {
            SignMethod = _options.SignMethod, SecureMode = _options.Tls ? "2" : "3",
            Timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Extra = [new("_ss", "1"), new("lan", "CSharp"), new("_v", "thingyard-protocol")],
        });
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(_options.Host, _options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(credentials.ClientId)
            .WithCredentials(credentials.UserName, credentials.Password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(_options.KeepAliveSeconds))
            .WithCleanSession(true)
            .WithTimeout(_options.ReplyTimeout);
        if (_options.Tls)
            builder.WithTlsOptions(o =>
            {
                o.UseTls();
                if (_options.TrustedCertificate is { } trusted)
                    o.WithCertificateValidationHandler(c => c.Certificate is not null &&
                        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(c.Certificate.GetCertHash(), trusted.GetCertHash()));
            });
        var result = await _mqtt.ConnectAsync(builder.Build(), ct);
        if (result.ResultCode != MqttClientConnectResultCode.Success)
            throw new InvalidOperationException($"{_device} was refused: {result.ResultCode} {result.ReasonString}");
    }

    /// <summary>thing.event.property.post with <paramref name="paramsJson"/> ({"identifier": value, ...}); returns the reply.</summary>
    public Task<AlinkAnswer> PostPropertiesAsync(string paramsJson, CancellationToken ct = default) =>
        RequestAsync(AlinkTopics.PropertyPost(_device.ProductKey, _device.DeviceName), "thing.event.property.post", paramsJson, ct);

    /// <summary>thing.event.{identifier}.post with the event's output parameters; returns the reply.</summary>
    public Task<AlinkAnswer> PostEventAsync(string identifier, string paramsJson, CancellationToken ct = default) =>
        RequestAsync(AlinkTopics.EventPost(_device.ProductKey, _device.DeviceName, identifier), $"thing.event.{identifier}.post", paramsJson, ct);

    /// <summary>Publishes an Alink request on <paramref name="topic"/> (QoS 1) and waits for the reply with its id.</summary>
    public async Task<AlinkAnswer> RequestAsync(string topic, string method, string paramsJson, CancellationToken ct = default)
    {
        var id = Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);
        var reply = new TaskCompletionSource<AlinkAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = reply;
        try
        {
            using (var doc = JsonDocument.Parse(paramsJson)) // refuse bad JSON here, not at the platform
                await PublishAsync(topic, AlinkReply.Request(id, method, doc.RootElement.WriteTo), 1, ct);
            return await reply.Task.WaitAsync(_options.ReplyTimeout, ct);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    public Task PublishAsync(string topic, byte[] payload, int qos = 0, CancellationToken ct = default) =>
        _mqtt.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qos).Build(), ct);

    /// <summary>Subscribes to a custom topic (system topics need no subscription).</summary>
    public Task SubscribeAsync(string topicFilter, int qos = 0, CancellationToken ct = default) =>
        _mqtt.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topicFilter, (MqttQualityOfServiceLevel)qos).Build(), ct);

    async Task DispatchAsync(string topic, byte[] payload)
    {
        try
        {
            if (topic.EndsWith(AlinkTopics.ReplySuffix, StringComparison.Ordinal) && topic.StartsWith(_sys, StringComparison.Ordinal))
            {
                Complete(payload);
                return;
            }
            if (topic.StartsWith(_sys, StringComparison.Ordinal))
            {
                var rest = topic[_sys.Length..];
                if (rest == "thing/service/property/set") { await PropertySetAsync(topic, payload); return; }
                if (rest.StartsWith("thing/service/", StringComparison.Ordinal))
                {
                    await ServiceAsync(payload, rest["thing/service/".Length..], AlinkTopics.Reply(topic));
                    return;
                }
                if (rest.StartsWith("rrpc/request/", StringComparison.Ordinal))
                {
                    // A synchronous service call: the method names the service, the answer goes to rrpc/response/{same id}.
                    var messageId = rest["rrpc/request/".Length..];
                    await ServiceAsync(payload, null, AlinkTopics.RrpcResponse(_device.ProductKey, _device.DeviceName, messageId));
                    return;
                }
            }
            if (OnMessage is { } onMessage) await onMessage(topic, payload);
        }
        catch (Exception) when (!_mqtt.IsConnected)
        {
            // The connection went away while answering: the platform times the call out.
        }
    }

    void Complete(byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("id", out var id)) return;
        var key = id.ValueKind == JsonValueKind.String ? id.GetString()! : id.GetRawText();
        if (!_pending.TryGetValue(key, out var waiter)) return;
        var code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : AlinkCodes.Unknown;
        var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var data = root.TryGetProperty("data", out var d) ? d.GetRawText() : null;
        waiter.TrySetResult(new AlinkAnswer(code, message, data));
    }

    async Task PropertySetAsync(string topic, byte[] payload)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        var code = OnPropertySet is { } handler && root.TryGetProperty("params", out var p)
            ? await handler(p, CancellationToken.None)
            : AlinkCodes.Ok;
        await ReplyAsync(AlinkTopics.Reply(topic), root, code, null, "thing.service.property.set");
    }

    async Task ServiceAsync(byte[] payload, string? identifier, string replyTopic)
    {
        using var doc = JsonDocument.Parse(payload);
        var root = doc.RootElement;
        var method = root.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        identifier ??= method is not null && method.StartsWith("thing.service.", StringComparison.Ordinal) ? method["thing.service.".Length..] : null;
        var parameters = root.TryGetProperty("params", out var p) ? p : default;
        var result = identifier is not null && _services.TryGetValue(identifier, out var handler)
            ? await handler(parameters, CancellationToken.None)
            : new ServiceResult(AlinkCodes.BadParams);
        await ReplyAsync(replyTopic, root, result.Code, result.OutputJson, method, result.Message);
    }

    Task ReplyAsync(string topic, JsonElement request, int code, string? dataJson, string? method, string? message = null)
    {
        JsonElement? id = request.TryGetProperty("id", out var i) ? i : null;
        var reply = AlinkReply.Write(id, code, method, dataJson is null ? null : w => w.WriteRawValue(dataJson), message);
        return PublishAsync(topic, reply);
    }

    public async Task DisconnectAsync()
    {
        if (_mqtt.IsConnected) await _mqtt.DisconnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try { await DisconnectAsync(); } catch (Exception) { /* already gone */ }
        _mqtt.Dispose();
    }
}
