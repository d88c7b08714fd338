// One simulated device on a real MQTT connection, signed the way the JS device SDK signs: it posts generated property
// values at its rate (and now and then an event), answers property set, async service calls and RRPC (sync) calls,
// counts the platform's replies, and reconnects with backoff when the connection drops.
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Thingyard.Protocol.Alink;
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Id2;
using Thingyard.Protocol.Signing;

namespace Thingyard.Cli.Simulation;

/// <summary>Where devices connect: mqtt://host:port (plain, securemode 3) or mqtts://host:port (TLS, securemode 2).</summary>
public sealed record MqttEndpoint(string Host, int Port, bool Tls)
{
    public const int DefaultPort = 1883;

    public static MqttEndpoint Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("mqtt" or "mqtts") || uri.Host.Length == 0)
            throw new CliException($"MQTT endpoint '{url}' is not an mqtt://host:port or mqtts://host:port URL.");
        return new MqttEndpoint(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, uri.Scheme == "mqtts");
    }

    /// <summary>The server URL's host on the default MQTT port.</summary>
    public static MqttEndpoint Beside(Uri server) => new(server.Host, DefaultPort, Tls: false);

    public override string ToString() => $"{(Tls ? "mqtts" : "mqtt")}://{(Host.Contains(':') ? $"[{Host}]" : Host)}:{Port}";
}

public sealed class SimulatedDevice(DeviceTriplet device, MqttEndpoint endpoint, TslValueGenerator generator, SimulationStats stats, double rate, Random random,
    Id2Client? id2 = null)
{
    /// <summary>Chance that a post tick also posts one of the model's events.</summary>
    const double EventChance = 0.1;
    static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    readonly Channel<(string Topic, byte[] Payload)> _inbox = Channel.CreateUnbounded<(string, byte[])>();
    readonly TaskCompletionSource<string?> _firstConnect = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Values the cloud set: posted as they are from then on, the way a real device keeps a setting.</summary>
    readonly Dictionary<string, string> _setValues = new(StringComparer.Ordinal);
    readonly string _sys = $"/sys/{device.ProductKey}/{device.DeviceName}/";
    int _online;
    long _nextId;

    public DeviceTriplet Device => device;

    /// <summary>Null once the first connect succeeded, or why it failed.</summary>
    public Task<string?> FirstConnect => _firstConnect.Task;

    /// <summary>The Node SDK's CONNECT (HMAC-SHA1, ms timestamp), securemode 2 over TLS, tagged lan=thingyard-sim.</summary>
    public static MqttCredentials Credentials(DeviceTriplet d, long timestampMs, bool tls = false) =>
        DeviceCredentials.Create(d, new CredentialOptions
        {
            SecureMode = tls ? "2" : "3", Timestamp = timestampMs, Extra = [new("lan", "thingyard-sim")],
        });

    /// <summary>Runs until <paramref name="running"/> fires; posts stop earlier, when <paramref name="posting"/> fires, so replies can drain.</summary>
    public async Task RunAsync(CancellationToken posting, CancellationToken running)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            _inbox.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += _ =>
        {
            if (Interlocked.Exchange(ref _online, 0) == 1) stats.Disconnect();
            return Task.CompletedTask;
        };
        var period = TimeSpan.FromSeconds(1 / rate);
        var clock = Stopwatch.StartNew();
        // Devices start at random points of the period, so N devices do not post in bursts.
        var nextPost = period * random.NextDouble();
        var retryDelay = TimeSpan.FromSeconds(1);
        try
        {
            while (!running.IsCancellationRequested)
            {
                try
                {
                    if (!client.IsConnected)
                    {
                        if (!await ConnectAsync(client, running))
                        {
                            await Task.Delay(retryDelay, running);
                            retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
                            continue;
                        }
                        retryDelay = TimeSpan.FromSeconds(1);
                    }
                    var wait = posting.IsCancellationRequested ? TimeSpan.FromMilliseconds(100) : nextPost - clock.Elapsed;
                    if (wait > TimeSpan.Zero) await WaitForMessageAsync(wait, running);
                    while (_inbox.Reader.TryRead(out var message)) await HandleAsync(client, message.Topic, message.Payload, running);
                    if (!posting.IsCancellationRequested && clock.Elapsed >= nextPost)
                    {
                        await TickAsync(client, running);
                        nextPost += period;
                        if (nextPost < clock.Elapsed) nextPost = clock.Elapsed + period; // fell behind: skip, don't burst
                    }
                }
                catch (Exception) when (!running.IsCancellationRequested)
                {
                    // A publish on a dropping connection: the next round reconnects.
                }
            }
        }
        catch (OperationCanceledException) when (running.IsCancellationRequested)
        {
        }
        finally
        {
            _firstConnect.TrySetResult("stopped before connecting");
            if (client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try
                {
                    await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder()
                        .WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(), timeout.Token);
                }
                catch (Exception) { }
            }
            if (Interlocked.Exchange(ref _online, 0) == 1) stats.Disconnect();
        }
    }

    async Task<bool> ConnectAsync(IMqttClient client, CancellationToken ct)
    {
        // An ID² device proves itself with a fresh timestamp auth code on every connect; the others sign with their secret.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var (clientId, userName, password) = id2 is null ? Credentials(device, now, endpoint.Tls)
            : Id2Credentials.Create(device.ProductKey, device.DeviceName, id2, now, endpoint.Tls);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(endpoint.Host, endpoint.Port)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithClientId(clientId)
            .WithCredentials(userName, password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(60))
            .WithCleanSession(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (endpoint.Tls) builder.WithTlsOptions(o => o.UseTls());
        try
        {
            var result = await client.ConnectAsync(builder.Build(), ct);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                if (client.IsConnected) await client.DisconnectAsync(cancellationToken: ct);
                return Failed($"refused: {result.ResultCode}");
            }
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(_sys + "thing/event/property/post_reply", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(_sys + "thing/event/+/post_reply", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(_sys + "thing/service/property/set", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(_sys + "thing/service/+", MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(_sys + "rrpc/request/+", MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), ct);
            if (Interlocked.Exchange(ref _online, 1) == 0) stats.Connect();
            _firstConnect.TrySetResult(null);
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            return Failed(e.Message);
        }

        bool Failed(string reason)
        {
            stats.ConnectFailed();
            _firstConnect.TrySetResult(reason);
            return false;
        }
    }

    async Task WaitForMessageAsync(TimeSpan wait, CancellationToken running)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(running);
        timeout.CancelAfter(wait);
        try { await _inbox.Reader.WaitToReadAsync(timeout.Token); }
        catch (OperationCanceledException) when (!running.IsCancellationRequested) { }
    }

    /// <summary>One post period: the properties, and now and then an event with generated outputs.</summary>
    async Task TickAsync(IMqttClient client, CancellationToken ct)
    {
        if (generator.Properties.Count > 0) await PostPropertiesAsync(client, generator.PropertyParams(_setValues), ct);
        if (generator.Events.Count > 0 && random.NextDouble() < EventChance)
        {
            var ev = generator.Events[random.Next(generator.Events.Count)];
            await PublishAsync(client, $"{_sys}thing/event/{ev.Identifier}/post", Request($"thing.event.{ev.Identifier}.post", generator.Object(ev.OutputData)), ct);
            stats.EventPosted();
        }
    }

    async Task PostPropertiesAsync(IMqttClient client, string paramsJson, CancellationToken ct)
    {
        await PublishAsync(client, _sys + "thing/event/property/post", Request("thing.event.property.post", paramsJson), ct);
        stats.Posted();
    }

    async Task HandleAsync(IMqttClient client, string topic, byte[] payload, CancellationToken ct)
    {
        if (!topic.StartsWith(_sys, StringComparison.Ordinal)) return;
        var path = topic[_sys.Length..];
        if (path.EndsWith("_reply", StringComparison.Ordinal)) CountReply(payload);
        else if (path == "thing/service/property/set") await PropertySetAsync(client, payload, ct);
        else if (path.StartsWith("thing/service/", StringComparison.Ordinal)) await ServiceAsync(client, topic, path["thing/service/".Length..], payload, ct);
        else if (path.StartsWith("rrpc/request/", StringComparison.Ordinal)) await RrpcAsync(client, path["rrpc/request/".Length..], payload, ct);
    }

    void CountReply(byte[] payload)
    {
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var code = root.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
            var message = root.TryGetProperty("message", out var m) ? m.ToString() : "";
            stats.Reply(code == 200, code == 200 ? null : $"{device.DeviceName}: {code} {message}");
        }
        catch (JsonException)
        {
            stats.Reply(false, $"{device.DeviceName}: a reply that is not JSON");
        }
    }

    /// <summary>set_reply 200, then the new values posted back, as firmware that applied them does.</summary>
    async Task PropertySetAsync(IMqttClient client, byte[] payload, CancellationToken ct)
    {
        using var doc = TryParse(payload);
        var id = Id(doc?.RootElement);
        var values = doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("params", out var p0) ? p0 : default;
        if (values.ValueKind != JsonValueKind.Object)
        {
            await PublishAsync(client, _sys + "thing/service/property/set_reply", Reply(id, 460, "{}", "params must be an object of property values"), ct);
            return;
        }
        await PublishAsync(client, _sys + "thing/service/property/set_reply", Reply(id, 200, "{}", "success"), ct);
        stats.CallAnswered();
        foreach (var p in values.EnumerateObject())
            if (generator.Properties.Any(q => q.Identifier == p.Name)) _setValues[p.Name] = p.Value.GetRawText();
        if (values.EnumerateObject().Any()) await PostPropertiesAsync(client, values.GetRawText(), ct);
    }

    /// <summary>An async service call: {id}_reply on the service's reply topic, with generated outputs.</summary>
    async Task ServiceAsync(IMqttClient client, string topic, string identifier, byte[] payload, CancellationToken ct)
    {
        using var doc = TryParse(payload);
        await PublishAsync(client, topic + "_reply", ServiceReply(identifier, Id(doc?.RootElement)), ct);
        stats.CallAnswered();
    }

    /// <summary>A sync service call (or a raw RRpc request): the answer goes to rrpc/response/{messageId}.</summary>
    async Task RrpcAsync(IMqttClient client, string messageId, byte[] payload, CancellationToken ct)
    {
        using var doc = TryParse(payload);
        var method = doc?.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()! : null;
        // An Alink service request gets an Alink reply; anything else (RRpc with a raw payload) is echoed back.
        var answer = method is not null && method.StartsWith("thing.service.", StringComparison.Ordinal)
            ? ServiceReply(method["thing.service.".Length..], Id(doc!.RootElement))
            : payload;
        await PublishAsync(client, _sys + "rrpc/response/" + messageId, answer, ct);
        stats.CallAnswered();
    }

    byte[] ServiceReply(string identifier, JsonElement? id) => generator.Services.TryGetValue(identifier, out var service)
        ? Reply(id, 200, generator.Object(service.OutputData), "success")
        : Reply(id, 460, "{}", $"the service '{identifier}' is not in the thing model");

    byte[] Request(string method, string paramsJson) =>
        AlinkReply.Request(Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture), method, w => w.WriteRawValue(paramsJson));

    /// <summary>An Alink reply: the request's id verbatim (string or number), code, data and message.</summary>
    static byte[] Reply(JsonElement? id, int code, string dataJson, string message) =>
        AlinkReply.Write(id, code, method: null, w => w.WriteRawValue(dataJson), message);

    static JsonElement? Id(JsonElement? root) =>
        root is { ValueKind: JsonValueKind.Object } r && r.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? id : null;

    static JsonDocument? TryParse(byte[] payload)
    {
        try { return JsonDocument.Parse(payload); }
        catch (JsonException) { return null; }
    }

    static Task PublishAsync(IMqttClient client, string topic, byte[] payload, CancellationToken ct) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtMostOnce).Build(), ct);
}
