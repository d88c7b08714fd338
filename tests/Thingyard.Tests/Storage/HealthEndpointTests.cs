// /health/live, /health/ready and /health: what each answers while all is well, when the MQTT broker is not running,
// and when a federation peer does not answer (degraded, still ready).
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Connectivity;
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Storage;

public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Live_and_ready_answer_ok_and_ready_names_its_checks()
    {
        var server = new ThingyardServer();
        await server.InitializeAsync();
        try
        {
            var (live, liveBody) = await server.HealthAsync("/health/live");
            Assert.Equal(HttpStatusCode.OK, live);
            Assert.Equal("ok", liveBody.Str("status"));
            foreach (var path in new[] { "/health/ready", "/health" })
            {
                var (status, body) = await server.HealthAsync(path);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Equal("ok", body.Str("status"));
                Assert.Equal("ok", body.Str("checks.storage.status"));
                Assert.Equal("ok", body.Str("checks.mqtt.status"));
                Assert.Equal("no peers configured", body.Str("checks.federation.description"));
            }
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_broker_that_is_not_running_fails_readiness_but_not_liveness()
    {
        var server = new ThingyardServer();
        await server.InitializeAsync();
        try
        {
            await server.Services.GetRequiredService<MqttBroker>().StopAsync(CancellationToken.None);

            var (status, body) = await server.HealthAsync("/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            Assert.Equal("unhealthy", body.Str("checks.mqtt.status"));
            Assert.Equal("ok", body.Str("checks.storage.status"));
            Assert.Equal(HttpStatusCode.OK, (await server.HealthAsync("/health/live")).Status);
        }
        finally { await server.DisposeAsync(); }
    }

    [Fact]
    public async Task A_peer_that_does_not_answer_degrades_readiness_without_failing_it()
    {
        var server = new ThingyardServer();
        server.Settings["Thingyard:Federation:SharedSecret"] = "health-test-secret";
        server.Settings["Thingyard:Federation:Peers:0:InstanceId"] = "iotx-gone";
        server.Settings["Thingyard:Federation:Peers:0:HttpUrl"] = $"http://127.0.0.1:{ThingyardServer.FreePort()}"; // nobody listens
        await server.InitializeAsync();
        try
        {
            Assert.Equal("ok", (await server.HealthAsync("/health/ready")).Body.Str("checks.federation.status"));

            // Bootstrap for a device this instance does not know asks the peer.
            await BootstrapTests.BootstrapAsync(server, "a1Unknown", "nobody");

            var (status, body) = await server.HealthAsync("/health/ready");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("degraded", body.Str("status"));
            Assert.Equal("degraded", body.Str("checks.federation.status"));
            Assert.Contains("iotx-gone unreachable", body.Str("checks.federation.description"));
            Assert.Equal("ok", body.Str("checks.storage.status"));
        }
        finally { await server.DisposeAsync(); }
    }
}
