// Unauthenticated sockets on the MQTT ports: connection caps (total and per address, pending CONNECT), the CONNECT and
// TLS handshake timeout, and packet sizes bounded as they are read, before login and after. Figures are printed.
using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Thingyard.Tests.Devices;

/// <summary>A server with small connection caps and a 2 s CONNECT/handshake timeout.</summary>
public sealed class GatedServer : ThingyardServer
{
    public const int MaxConnections = 40;
    public const int MaxPending = 20;

    public GatedServer()
    {
        Settings["Thingyard:Mqtt:MaxConnections"] = MaxConnections.ToString();
        Settings["Thingyard:Mqtt:MaxPendingConnectionsPerAddress"] = MaxPending.ToString();
        Settings["Thingyard:Mqtt:ConnectTimeoutSeconds"] = "2";
    }
}

public sealed class ConnectionLimitTests(GatedServer server, ITestOutputHelper output) : IClassFixture<GatedServer>
{
    ConnectivityStats Stats => server.Services.GetRequiredService<ConnectivityStats>();
    ConnectionGate Gate => server.Services.GetRequiredService<ConnectionGate>();

    static async Task<bool> ClosedByServerAsync(Socket s, int waitMs = 15_000)
    {
        var buffer = new byte[16];
        using var cts = new CancellationTokenSource(waitMs);
        try { return await s.ReceiveAsync(buffer, SocketFlags.None, cts.Token) == 0; }
        catch (SocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }

    async Task<List<Socket>> OpenAsync(int count, int port)
    {
        var sockets = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await s.ConnectAsync("127.0.0.1", port);
            sockets.Add(s);
        }
        return sockets;
    }

    [Fact]
    public async Task Idle_sockets_beyond_the_pending_cap_are_closed_and_the_rest_time_out()
    {
        var refusedBefore = Stats.RefusedSockets;
        var sockets = await OpenAsync(GatedServer.MaxPending * 3, server.MqttPort);
        try
        {
            // Sockets past the per-address pending cap are closed at once, the others once the CONNECT timeout passes.
            var closed = await Task.WhenAll(sockets.Select(s => ClosedByServerAsync(s)));
            output.WriteLine($"{sockets.Count} idle sockets: {closed.Count(c => c)} closed by the server, refused at accept: {Stats.RefusedSockets - refusedBefore}, open now: {Gate.Open}");
            Assert.All(closed, Assert.True);
            Assert.True(Stats.RefusedSockets - refusedBefore >= sockets.Count - GatedServer.MaxPending);
            Assert.Equal(0, await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(Gate.Open), n => n == 0));
        }
        finally { sockets.ForEach(s => s.Dispose()); }

        // A real device still connects afterwards.
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        await using var device = await server.ConnectAsync(d);
        Assert.True(device.Client.IsConnected);
    }

    [Fact]
    public async Task Connections_over_the_total_cap_are_refused_and_a_slot_frees_when_one_closes()
    {
        var pk = await server.NewModelledProductAsync();
        var devices = new List<MqttDevice>();
        try
        {
            for (var i = 0; i < GatedServer.MaxConnections; i++) devices.Add(await server.ConnectAsync(await server.NewTestDeviceAsync(pk)));
            Assert.Equal(GatedServer.MaxConnections, Gate.Open);
            var extra = await server.NewTestDeviceAsync(pk);
            await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync(extra));
            output.WriteLine($"open {Gate.Open} of {Gate.MaxConnections}; refused sockets so far {Stats.RefusedSockets}");

            await devices[0].DisposeAsync();
            devices.RemoveAt(0);
            await ConnectivityCalls.EventuallyAsync(() => Task.FromResult(Gate.Open), n => n < GatedServer.MaxConnections);
            await using var now = await server.ConnectAsync(extra);
            Assert.True(now.Client.IsConnected);
        }
        finally { foreach (var d in devices) await d.DisposeAsync(); }
    }

    [Fact]
    public async Task A_packet_declaring_hundreds_of_megabytes_closes_the_connection_without_allocating_it()
    {
        var rssBefore = Process.GetCurrentProcess().WorkingSet64;
        var before = Stats.OversizedPackets;
        var sockets = await OpenAsync(8, server.MqttPort);
        try
        {
            // CONNECT fixed header with remaining length 268,435,455 (the MQTT maximum), then a trickle of body bytes.
            foreach (var s in sockets) await s.SendAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F, 0, 4, (byte)'M', (byte)'Q' }, SocketFlags.None);
            Assert.All(await Task.WhenAll(sockets.Select(s => ClosedByServerAsync(s))), Assert.True);
        }
        finally { sockets.ForEach(s => s.Dispose()); }
        var rssAfter = Process.GetCurrentProcess().WorkingSet64;
        output.WriteLine($"8 sockets declaring 256 MB each: RSS {rssBefore / 1048576} MB -> {rssAfter / 1048576} MB (test host and server in one process)");
        Assert.Equal(before + 8, Stats.OversizedPackets);
        Assert.True(rssAfter - rssBefore < 512L * 1024 * 1024, "the declared packets were allocated");
    }

    [Fact]
    public async Task The_same_declaration_over_the_websocket_closes_it_too()
    {
        var before = Stats.OversizedPackets;
        using var ws = new System.Net.WebSockets.ClientWebSocket();
        ws.Options.AddSubProtocol("mqtt");
        await ws.ConnectAsync(new Uri($"ws://{server.BaseAddress.Authority}/mqtt"), CancellationToken.None);
        await ws.SendAsync(new byte[] { 0x10, 0xFF, 0xFF, 0xFF, 0x7F, 0, 4 }, System.Net.WebSockets.WebSocketMessageType.Binary, true, CancellationToken.None);
        var buffer = new byte[64];
        using var cts = new CancellationTokenSource(15_000);
        try
        {
            var r = await ws.ReceiveAsync(buffer, cts.Token);
            Assert.Equal(System.Net.WebSockets.WebSocketMessageType.Close, r.MessageType);
        }
        catch (System.Net.WebSockets.WebSocketException) { } // closed without a close frame
        Assert.Equal(before + 1, Stats.OversizedPackets);
    }

    [Fact]
    public async Task A_tls_socket_that_never_handshakes_is_closed()
    {
        using var s = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await s.ConnectAsync("127.0.0.1", server.MqttTlsPort);
        Assert.True(await ClosedByServerAsync(s));
    }
}
