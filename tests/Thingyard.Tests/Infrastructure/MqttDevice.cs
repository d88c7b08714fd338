// A device on a real MQTT connection (MQTTnet client) signed the way the official SDKs sign, with helpers to
// send Alink requests and wait for what the platform sends back.
using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Signing;

namespace Thingyard.Tests.Infrastructure;

public sealed record Received(string Topic, string Payload, int Qos)
{
    /// <summary>The payload as sent (raw-data topics carry bytes that are not text).</summary>
    public byte[] Bytes { get; init; } = [];

    public JsonElement Json => JsonDocument.Parse(Payload).RootElement;
}

public sealed class MqttDevice : IAsyncDisposable
{
    readonly Channel<Received> _inbox = Channel.CreateUnbounded<Received>();
    readonly List<Received> _seen = [];
    int _nextId;

    public IMqttClient Client { get; }
    public string ProductKey { get; }
    public string DeviceName { get; }
    public MqttClientConnectResult? ConnectResult { get; private set; }

    MqttDevice(IMqttClient client, string pk, string dn)
    {
        Client = client;
        ProductKey = pk;
        DeviceName = dn;
        client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            var bytes = m.Payload.ToArray();
            _inbox.Writer.TryWrite(new Received(m.Topic, Encoding.UTF8.GetString(bytes), (int)m.QualityOfServiceLevel) { Bytes = bytes });
            return Task.CompletedTask;
        };
    }

    /// <summary>The JS SDK's CONNECT: clientId "pk&amp;dn|securemode=3,signmethod=...,timestamp=...|", username "dn&amp;pk".</summary>
    public static MqttClientOptionsBuilder SdkOptions(ThingyardServer server, string pk, string dn, string secret, string signMethod = "hmacsha1", long? timestamp = null)
    {
        var c = DeviceCredentials.Create(new DeviceTriplet(pk, dn, secret), new CredentialOptions
        {
            SignMethod = signMethod, Timestamp = timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Extra = [new("lan", "CSharp"), new("_v", "test")],
        });
        return new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", server.MqttPort)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(c.ClientId)
            .WithCredentials(c.UserName, c.Password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
    }

    public static async Task<MqttDevice> ConnectAsync(ThingyardServer server, string pk, string dn, string secret, string signMethod = "hmacsha1")
        => await ConnectAsync(SdkOptions(server, pk, dn, secret, signMethod).Build(), pk, dn);

    public static async Task<MqttDevice> ConnectAsync(MqttClientOptions options, string pk, string dn)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new MqttDevice(client, pk, dn);
        device.ConnectResult = await client.ConnectAsync(options);
        return device;
    }

    public string Sys(string suffix) => $"/sys/{ProductKey}/{DeviceName}/{suffix}";

    public async Task<MqttClientSubscribeResult> SubscribeAsync(string filter, int qos = 1) =>
        await Client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, (MQTTnet.Protocol.MqttQualityOfServiceLevel)qos).Build());

    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload, int qos = 0) =>
        Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel((MQTTnet.Protocol.MqttQualityOfServiceLevel)qos).Build());

    public Task<MqttClientPublishResult> PublishAsync(string topic, byte[] payload, int qos = 0) =>
        Client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel((MQTTnet.Protocol.MqttQualityOfServiceLevel)qos).Build());

    public string NextId() => Interlocked.Increment(ref _nextId).ToString();

    /// <summary>Publishes an Alink request on <paramref name="topic"/> and returns the reply from topic_reply with the same id.
    /// <paramref name="subscribe"/> false: the client relies on the platform subscribing it (_ss=1), as the C and Python SDKs do.</summary>
    public async Task<JsonElement> RequestAsync(string topic, string method, string paramsJson, int qos = 0, string? id = null, bool subscribe = true)
    {
        id ??= NextId();
        if (subscribe) await SubscribeAsync(topic + "_reply");
        await PublishAsync(topic, $$"""{"id":"{{id}}","version":"1.0","params":{{paramsJson}},"method":"{{method}}"}""", qos);
        var reply = await NextAsync(r => r.Topic == topic + "_reply" && r.Json.TryGetProperty("id", out var i) && i.ToString() == id);
        return reply.Json;
    }

    /// <summary>Waits (at most 10 s) for a message that matches; messages that don't are kept for later waits.</summary>
    public async Task<Received> NextAsync(Func<Received, bool> match, int timeoutMs = 10_000)
    {
        lock (_seen)
        {
            var hit = _seen.FirstOrDefault(match);
            if (hit is not null) { _seen.Remove(hit); return hit; }
        }
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            while (true)
            {
                var r = await _inbox.Reader.ReadAsync(cts.Token);
                if (match(r)) return r;
                lock (_seen) _seen.Add(r);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching message within {timeoutMs} ms; saw: {string.Join(", ", _seen.Select(s => s.Topic))}");
        }
    }

    /// <summary>True if a matching message arrives within the wait (for asserting that nothing arrives).</summary>
    public async Task<bool> ReceivesAsync(Func<Received, bool> match, int waitMs)
    {
        try { await NextAsync(match, waitMs); return true; }
        catch (TimeoutException) { return false; }
    }

    public async ValueTask DisposeAsync()
    {
        try { if (Client.IsConnected) await Client.DisconnectAsync(); } catch { }
        Client.Dispose();
    }
}
