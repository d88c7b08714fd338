// Traces: with an OTLP endpoint configured, RPC actions and device uplinks are exported by the real OTLP exporter
// (OTLP/HTTP protobuf) to a listener in the test; without one, no tracer is set up.
using System.Collections.Concurrent;
using System.Net;
using System.Text;
using OpenTelemetry.Trace;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Connectivity;

public sealed class TracingTests
{
    /// <summary>A stand-in OTLP/HTTP collector on loopback: keeps every request, answers 200 with an empty
    /// (protobuf: default) export response.</summary>
    sealed class Collector : IDisposable
    {
        readonly HttpListener _listener = new();
        public ConcurrentQueue<(string Method, string Path, byte[] Body)> Requests { get; } = new();
        public string Endpoint { get; }

        public Collector()
        {
            var port = ThingyardServer.FreePort();
            Endpoint = $"http://127.0.0.1:{port}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException) { return; }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                Requests.Enqueue((context.Request.HttpMethod, context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        /// <summary>Waits (bounded) for an export POST to /v1/traces whose body holds all the texts.</summary>
        public async Task<bool> ReceivedAsync(params string[] texts)
        {
            var needles = texts.Select(Encoding.UTF8.GetBytes).ToArray();
            for (var i = 0; i < 300; i++)
            {
                if (Requests.Any(r => r is { Method: "POST", Path: "/v1/traces" } && r.Body.Length > 0
                        && needles.All(n => r.Body.AsSpan().IndexOf(n) >= 0)))
                    return true;
                await Task.Delay(100);
            }
            return false;
        }

        public void Dispose() => _listener.Close();
    }

    [Fact]
    public async Task Rpc_actions_and_uplinks_are_exported_to_the_configured_OTLP_endpoint()
    {
        using var collector = new Collector();
        var server = new ThingyardServer();
        server.Settings["Thingyard:Telemetry:OtlpEndpoint"] = collector.Endpoint;
        server.Settings["OTEL_BSP_SCHEDULE_DELAY"] = "100"; // the batch exporter's delay, read from configuration
        await server.InitializeAsync();
        try { await RpcAndUplinkAsync(server, collector); }
        finally { await server.DisposeAsync(); }
    }

    static async Task RpcAndUplinkAsync(ThingyardServer server, Collector collector)
    {
        await server.Call("QueryProductList", ("CurrentPage", "1"), ("PageSize", "10"));
        Assert.True(await collector.ReceivedAsync("rpc.method", "QueryProductList"), // our activity's tag, not just the request URL
            $"no span named after the action reached /v1/traces; requests: {string.Join(", ", collector.Requests.Select(r => $"{r.Method} {r.Path} {r.Body.Length} B"))}");

        var (_, device) = await server.OnlineDeviceAsync();
        await using (device)
        {
            var reply = await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":22.5}""", qos: 1);
            Assert.Equal(200, reply.GetProperty("code").GetInt32());
        }
        Assert.True(await collector.ReceivedAsync("MQTT uplink", "thing/event/property/post"), "no uplink span reached /v1/traces");
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_traced()
    {
        var server = new ThingyardServer();
        await server.InitializeAsync();
        try { Assert.Null(server.Services.GetService(typeof(TracerProvider))); }
        finally { await server.DisposeAsync(); }
    }
}
