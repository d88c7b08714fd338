// Helpers the device tests share: CONNECT packets in every signing variant, refusal codes, the device's row and
// telemetry straight from the database, and cloud-side calls the RPC API does not offer yet.
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using Thingyard.Protocol.Signing;
using Thingyard.Registry;
using Thingyard.Server.Things;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Devices;

/// <summary>How a test device signs its CONNECT. Defaults are the Node SDK's; each field changes one thing.</summary>
public sealed record ConnectStyle
{
    /// <summary>Client id base (before '|'); null means "pk&amp;dn".</summary>
    public string? ClientIdBase { get; init; }
    /// <summary>signmethod as written in the client id.</summary>
    public string SignMethod { get; init; } = "hmacsha1";
    /// <summary>The HMAC actually computed; null means the declared one.</summary>
    public string? SignWith { get; init; }
    /// <summary>timestamp as sent; "now" is the current time in ms, null leaves it out (of the id and the signature).</summary>
    public string? Timestamp { get; init; } = "now";
    public string SecureMode { get; init; } = "3";
    /// <summary>Extra ",k=v" pairs appended inside the |...| block.</summary>
    public string Extra { get; init; } = ",lan=CSharp,_v=test";
    public bool UpperHex { get; init; }
    public int KeepAliveSeconds { get; init; } = 60;
    public bool CleanSession { get; init; } = true;
    public bool Tls { get; init; }
    /// <summary>Overrides the computed password / username when set.</summary>
    public string? Password { get; init; }
    public string? Username { get; init; }
    /// <summary>A full client id used verbatim (the password is still signed over <see cref="ClientIdBase"/>).</summary>
    public string? FullClientId { get; init; }
    public MqttProtocolVersion Protocol { get; init; } = MqttProtocolVersion.V311;
}

public static class DeviceKit
{
    public static string Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds().ToString();

    /// <summary>The full client id and password a device with this style sends.</summary>
    public static (string ClientId, string Username, string Password) Credentials(TestDevice d, ConnectStyle s)
    {
        var ts = s.Timestamp == "now" ? Ms(DateTimeOffset.UtcNow) : s.Timestamp;
        var idBase = s.ClientIdBase ?? $"{d.ProductKey}&{d.DeviceName}";
        var content = DeviceCredentials.ConnectContent(idBase, d.ProductKey, d.DeviceName, ts);
        var password = DeviceSignature.Sign(s.SignWith ?? s.SignMethod, d.DeviceSecret, content);
        if (s.UpperHex) password = password.ToUpperInvariant();
        var clientId = s.FullClientId
            ?? $"{idBase}|securemode={s.SecureMode},signmethod={s.SignMethod}{(ts is null ? "" : ",timestamp=" + ts)}{s.Extra}|";
        return (clientId, s.Username ?? $"{d.DeviceName}&{d.ProductKey}", s.Password ?? password);
    }

    public static MqttClientOptions Options(int port, TestDevice d, ConnectStyle? style = null)
    {
        var s = style ?? new ConnectStyle();
        var (clientId, username, password) = Credentials(d, s);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithProtocolVersion(s.Protocol)
            .WithClientId(clientId)
            .WithCredentials(username, password)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(s.KeepAliveSeconds))
            .WithCleanSession(s.CleanSession)
            .WithTimeout(TimeSpan.FromSeconds(10));
        if (s.Tls) builder.WithTlsOptions(o => o.UseTls().WithCertificateValidationHandler(_ => true));
        return builder.Build();
    }

    public static MqttClientOptions Options(ThingyardServer server, TestDevice d, ConnectStyle? style = null) =>
        Options(style?.Tls == true ? server.MqttTlsPort : server.MqttPort, d, style);

    public static Task<MqttDevice> ConnectAsync(ThingyardServer server, TestDevice d, ConnectStyle style) =>
        MqttDevice.ConnectAsync(Options(server, d, style), d.ProductKey, d.DeviceName);

    /// <summary>Connects and expects a refusal; returns the CONNACK result code the client saw.</summary>
    public static async Task<MqttClientConnectResultCode> RefusedAsync(MqttClientOptions options)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(options);
        Assert.False(client.IsConnected);
        return result.ResultCode;
    }

    /// <summary>Completes when the client's connection closes (attach right after connecting).</summary>
    public static Task<MqttClientDisconnectedEventArgs> Disconnected(IMqttClient client)
    {
        var tcs = new TaskCompletionSource<MqttClientDisconnectedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += e => { tcs.TrySetResult(e); return Task.CompletedTask; };
        if (!client.IsConnected) tcs.TrySetResult(new MqttClientDisconnectedEventArgs(false, null, MqttClientDisconnectReason.NormalDisconnection, null, [], null));
        return tcs.Task;
    }

    /// <summary>Waits (at most 10 s) for a task the test expects to finish.</summary>
    public static async Task<T> Within<T>(Task<T> task, int timeoutMs = 10_000) => await task.WaitAsync(TimeSpan.FromMilliseconds(timeoutMs));

    public static async Task<JsonElement> DetailAsync(this ThingyardServer server, TestDevice d) =>
        (await server.Call("QueryDeviceDetail", ("ProductKey", d.ProductKey), ("DeviceName", d.DeviceName))).At("Data");

    public static Task<string> EventuallyStatusAsync(this ThingyardServer server, TestDevice d, string status) =>
        ConnectivityCalls.EventuallyAsync(() => server.StatusAsync(d), s => s == status);

    public static async Task<ThingyardDb> DbAsync(this ThingyardServer server) =>
        await server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync();

    public static async Task<Device> DeviceRowAsync(this ThingyardServer server, TestDevice d)
    {
        await using var db = await server.DbAsync();
        return await db.Devices.AsNoTracking().FirstAsync(x => x.ProductKey == d.ProductKey && x.DeviceName == d.DeviceName);
    }

    /// <summary>The device's stored property history as (identifier, value JSON), oldest first.</summary>
    public static async Task<List<(string Identifier, string Value)>> SamplesAsync(this ThingyardServer server, TestDevice d)
    {
        var id = (await server.DeviceRowAsync(d)).Id;
        await using var db = await server.DbAsync();
        var rows = await db.PropertySamples.AsNoTracking().Where(s => s.DeviceId == id).OrderBy(s => s.Id).ToListAsync();
        return rows.Select(r => (r.Identifier, r.Value)).ToList();
    }

    /// <summary>InvokeThingService without the RPC layer (the RPC action is not offered yet): the same ThingCommands call.</summary>
    public static async Task<ServiceOutcome> InvokeServiceAsync(this ThingyardServer server, TestDevice d, string identifier, string argsJson)
    {
        var device = await server.DeviceRowAsync(d);
        return await server.Services.GetRequiredService<ThingCommands>().InvokeServiceAsync(device, identifier, argsJson);
    }

    /// <summary>SetDeviceProperty without the RPC layer: returns the Alink message id sent to the device.</summary>
    public static async Task<string> SetPropertiesAsync(this ThingyardServer server, TestDevice d, string itemsJson)
    {
        var device = await server.DeviceRowAsync(d);
        return await server.Services.GetRequiredService<ThingCommands>().SetPropertiesAsync(device, itemsJson);
    }

    /// <summary>A product with dynamic registration on (or off) and the sample thing model; returns its key and secret.</summary>
    public static async Task<(string ProductKey, string ProductSecret)> NewRegistrationProductAsync(this ThingyardServer server, bool dynamicRegistration = true)
    {
        var created = await server.Call("CreateProduct", ("ProductName", RegistryCalls.Unique("Dyn")), ("NodeType", "0"),
            ("DynamicRegistration", dynamicRegistration ? "true" : "false"));
        var pk = created.Str("ProductKey");
        await server.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", ConnectivityCalls.SampleTsl));
        await server.Call("PublishThingModel", ("ProductKey", pk));
        return (pk, created.Str("Data.ProductSecret"));
    }
}

/// <summary>A hand-made MQTT 3.1.1 connection: CONNECT, CONNACK, then the socket can be cut without a DISCONNECT.</summary>
public sealed class RawMqttConnection : IDisposable
{
    readonly TcpClient _tcp;

    RawMqttConnection(TcpClient tcp) => _tcp = tcp;

    public static async Task<(RawMqttConnection Connection, int ReturnCode)> ConnectAsync(int port, string clientId, string username, string password, ushort keepAlive = 60)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        return (new RawMqttConnection(tcp), await ConnectOverAsync(tcp.GetStream(), clientId, username, password, keepAlive));
    }

    /// <summary>Sends CONNECT over an open stream (plain or TLS) and returns the CONNACK return code.</summary>
    public static async Task<int> ConnectOverAsync(Stream stream, string clientId, string username, string password, ushort keepAlive = 60)
    {
        var body = new List<byte>();
        void Str(string s) { var b = Encoding.UTF8.GetBytes(s); body.Add((byte)(b.Length >> 8)); body.Add((byte)b.Length); body.AddRange(b); }
        Str("MQTT");
        body.Add(4);      // protocol level 3.1.1
        body.Add(0xC2);   // username, password, clean session
        body.Add((byte)(keepAlive >> 8));
        body.Add((byte)keepAlive);
        Str(clientId);
        Str(username);
        Str(password);
        var packet = new List<byte> { 0x10 };
        var length = body.Count;
        do { var digit = (byte)(length % 128); length /= 128; packet.Add(length > 0 ? (byte)(digit | 0x80) : digit); } while (length > 0);
        packet.AddRange(body);
        await stream.WriteAsync(packet.ToArray());
        await stream.FlushAsync();
        var connack = new byte[4];
        using var timeout = new CancellationTokenSource(10_000);
        await stream.ReadExactlyAsync(connack, timeout.Token);
        Assert.Equal(0x20, connack[0]);
        return connack[3];
    }

    /// <summary>Waits for the server to close the connection (a read returns end of stream or fails).</summary>
    public async Task<bool> ClosedByServerAsync(int timeoutMs)
    {
        using var timeout = new CancellationTokenSource(timeoutMs);
        var buffer = new byte[64];
        try
        {
            while (await _tcp.GetStream().ReadAsync(buffer, timeout.Token) > 0) { }
            return true;
        }
        catch (OperationCanceledException) { return false; }
        catch (IOException) { return true; }
    }

    /// <summary>Resets the TCP connection: no DISCONNECT packet, as when a device loses power.</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public void Dispose() => _tcp.Dispose();
}
