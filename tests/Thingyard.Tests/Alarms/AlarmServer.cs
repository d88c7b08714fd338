// A server whose alarm e-mails go to a local SMTP sink (netDumbster on 127.0.0.1) and whose webhooks can reach a
// local HttpListener: nothing leaves the machine. Helpers to create rules and to wait for alarms.
using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using netDumbster.smtp;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Alarms;

public sealed class AlarmServer : ThingyardServer, IDisposable
{
    public SimpleSmtpServer Smtp { get; }
    public WebhookReceiver Webhooks { get; } = new();

    public AlarmServer()
    {
        Smtp = Configuration.Configure().WithAddress(IPAddress.Loopback).WithPort(FreePort()).Build();
        Settings["Thingyard:Smtp:Host"] = "127.0.0.1";
        Settings["Thingyard:Smtp:Port"] = Smtp.Configuration.Port.ToString();
        Settings["Thingyard:Smtp:UseTls"] = "false";
        Settings["Thingyard:Smtp:From"] = "Thingyard <alarms@thingyard.test>";
    }

    /// <summary>The e-mails sent to <paramref name="to"/> so far, oldest first.</summary>
    public List<SmtpMessage> MailTo(string to) =>
        Smtp.ReceivedEmail.Where(m => m.ToAddresses.Any(a => a.Address == to)).ToList();

    public void Dispose()
    {
        Smtp.Dispose();
        Webhooks.Dispose();
    }
}

/// <summary>One post a receiver got: the JSON body, its bytes and the outbox's headers.</summary>
public sealed record WebhookPost(JsonElement Body, byte[] Raw, string? Source, string? Timestamp, string? Signature);

/// <summary>An HttpListener on 127.0.0.1 that answers 200 and keeps each post it gets, per path.</summary>
public sealed class WebhookReceiver : IDisposable
{
    readonly HttpListener _listener = new();
    readonly ConcurrentQueue<(string Path, WebhookPost Post)> _received = new();

    public string BaseUrl { get; }

    public WebhookReceiver()
    {
        BaseUrl = $"http://127.0.0.1:{ThingyardServer.FreePort()}/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _ = LoopAsync();
    }

    public IReadOnlyList<WebhookPost> At(string path) => _received.Where(r => r.Path == path).Select(r => r.Post).ToList();

    async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var bytes = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(bytes);
            var raw = bytes.ToArray();
            var h = context.Request.Headers;
            _received.Enqueue((context.Request.Url!.AbsolutePath, new WebhookPost(JsonDocument.Parse(raw).RootElement.Clone(), raw,
                h["X-Thingyard-Source"], h["X-Thingyard-Timestamp"], h["X-Thingyard-Signature"])));
            context.Response.StatusCode = 200;
            context.Response.Close();
        }
    }

    public void Dispose() => _listener.Close();
}

public static class AlarmCalls
{
    /// <summary>A threshold rule on the sample model's temperature; returns its RuleId.</summary>
    public static async Task<string> ThresholdRuleAsync(this ThingyardServer server, string pk, string op, string threshold, params (string, string)[] more)
    {
        var p = new List<(string, string)>
        {
            ("ProductKey", pk), ("Name", RegistryCalls.Unique("hot")), ("TriggerType", "property"), ("Identifier", "temperature"),
            ("Operator", op), ("Threshold", threshold),
        };
        p.AddRange(more);
        return (await server.Call("CreateAlarmRule", [.. p])).At("RuleId").GetInt64().ToString();
    }

    /// <summary>The rule's alarms, newest first, once <paramref name="ok"/> holds for them (polls at most 200 x 100 ms: the
    /// evaluator runs off the device path, and a loaded machine may take seconds).</summary>
    public static async Task<List<JsonElement>> AlarmsAsync(this ThingyardServer server, string ruleId, Func<List<JsonElement>, bool> ok)
    {
        async Task<List<JsonElement>> ReadAsync() =>
            (await server.Call("QueryAlarmList", ("RuleId", ruleId), ("PageSize", "100"))).At("Data.AlarmInfo").EnumerateArray().ToList();
        var list = await ReadAsync();
        for (var i = 0; i < 200 && !ok(list); i++)
        {
            await Task.Delay(100);
            list = await ReadAsync();
        }
        Assert.True(ok(list), $"alarms of rule {ruleId} never matched: {string.Join(", ", list)}");
        return list;
    }

    public static async Task PostTemperatureAsync(this MqttDevice device, double value)
    {
        var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post",
            $$"""{"temperature":{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""", qos: 1);
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }

    public static async Task PostOverheatAsync(this MqttDevice device, double temp)
    {
        var reply = await device.RequestAsync(device.Sys("thing/event/overheat/post"), "thing.event.overheat.post",
            $$$"""{"value":{"temp":{{{temp.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""", qos: 1);
        Assert.Equal(200, reply.GetProperty("code").GetInt32());
    }
}
