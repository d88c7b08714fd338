// Global bootstrap across two instances: any instance answers with the MQTT endpoint of the instance a device belongs to;
// peer calls must be signed with the federation secret.
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Distribution;
using Thingyard.Server.Distribution;
using Thingyard.Storage;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Distribution;

public sealed class BootstrapTests(Federation fed) : IClassFixture<Federation>
{
    public static async Task<JsonElement> BootstrapAsync(ThingyardServer at, string pk, string dn, string? forwardedFor = null)
    {
        using var http = at.Http();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/auth/bootstrap")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["productKey"] = pk, ["deviceName"] = dn, ["clientId"] = $"{pk}.{dn}", ["resources"] = "mqtt",
            }),
        };
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(body.Length < 192, $"bootstrap answer is {body.Length} bytes; the C SDK reads 192");
        return JsonDocument.Parse(body).RootElement;
    }

    public static int Port(JsonElement answer) => answer.GetProperty("data").GetProperty("resources").GetProperty("mqtt").GetProperty("port").GetInt32();

    [Fact]
    public async Task A_device_of_A_bootstraps_to_A_from_either_instance()
    {
        var pk = await fed.A.NewProductAsync("Boot");
        var d = await fed.A.NewTestDeviceAsync(pk);
        var fromA = await BootstrapAsync(fed.A, pk, d.DeviceName);
        var fromB = await BootstrapAsync(fed.B, pk, d.DeviceName);
        Assert.Equal(200, fromA.GetProperty("code").GetInt32());
        Assert.Equal(fed.A.MqttPort, Port(fromA));
        Assert.Equal(fed.A.MqttPort, Port(fromB));
        Assert.Equal("127.0.0.1", fromB.GetProperty("data").GetProperty("resources").GetProperty("mqtt").GetProperty("host").GetString());
    }

    [Fact]
    public async Task An_unknown_device_or_product_gets_exactly_the_answer_of_a_device_living_here()
    {
        // Bootstrap is unsigned: its answer must not tell a prober which devices exist.
        var pk = await fed.B.NewProductAsync("Boot");
        var d = await fed.B.NewTestDeviceAsync(pk);
        var known = (await BootstrapAsync(fed.B, pk, d.DeviceName)).GetRawText();
        Assert.Equal(known, (await BootstrapAsync(fed.B, pk, "nobody")).GetRawText());
        Assert.Equal(known, (await BootstrapAsync(fed.B, "a1nosuchprod", "nobody")).GetRawText());
        Assert.Equal(fed.B.MqttPort, Port(JsonDocument.Parse(known).RootElement));
    }

    [Fact]
    public async Task A_device_distributed_away_bootstraps_to_its_target_and_is_refused_at_its_source()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        await using (var db = await fed.A.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>().CreateDbContextAsync())
        {
            var id = await db.Devices.Where(x => x.ProductKey == pk && x.DeviceName == d.DeviceName).Select(x => x.Id).SingleAsync();
            db.DeviceDistributions.Add(new DeviceDistribution { DeviceId = id, JobId = "test", TargetInstanceIds = Federation.BInfo.Id, TargetUid = "x" });
            await db.SaveChangesAsync();
        }
        Assert.Equal(fed.B.MqttPort, Port(await BootstrapAsync(fed.A, pk, d.DeviceName)));
        Assert.Equal(fed.B.MqttPort, Port(await BootstrapAsync(fed.B, pk, d.DeviceName)));
        await using var refused = await fed.A.ConnectAsync(d);
        Assert.Equal(MQTTnet.MqttClientConnectResultCode.NotAuthorized, refused.ConnectResult!.ResultCode);
    }

    [Fact]
    public async Task A_copy_holder_asks_its_peers_once_for_repeated_bootstraps_and_again_after_a_recall()
    {
        var pk = await fed.A.NewModelledProductAsync();
        var d = await fed.A.NewTestDeviceAsync(pk);
        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.BInfo.Id]));
        var peersOfB = fed.B.Services.GetRequiredService<PeerClient>();

        Assert.Equal(fed.B.MqttPort, Port(await BootstrapAsync(fed.B, pk, d.DeviceName)));
        var afterFirst = peersOfB.Calls;
        for (var i = 0; i < 3; i++) Assert.Equal(fed.B.MqttPort, Port(await BootstrapAsync(fed.B, pk, d.DeviceName)));
        Assert.Equal(afterFirst, peersOfB.Calls); // answered from what the peers said a moment ago

        // Distributed back: deleting B's copy drops what B remembered, so B now sends the device home at once.
        await fed.A.FinishedAsync(await fed.A.DistributeAsync(pk, [d.DeviceName], 0, [Federation.AInfo.Id]));
        Assert.Equal(fed.A.MqttPort, Port(await BootstrapAsync(fed.B, pk, d.DeviceName)));
        Assert.True(peersOfB.Calls > afterFirst);
    }

    [Fact]
    public async Task Peer_calls_without_the_shared_secret_or_replayed_are_refused()
    {
        using var http = fed.A.Http();
        var unsigned = await http.GetAsync("/internal/federation/locate?productKey=x&deviceName=y");
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        const string path = "/internal/federation/locate?productKey=x&deviceName=y";
        HttpRequestMessage Signed(string secret, string? nonce)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add(PeerSignature.InstanceHeader, Federation.BInfo.Id);
            request.Headers.Add(PeerSignature.TimestampHeader, now.ToString());
            if (nonce is not null) request.Headers.Add(PeerSignature.NonceHeader, nonce);
            request.Headers.Add(PeerSignature.SignatureHeader, PeerSignature.Sign(secret, "GET", path, Federation.BInfo.Id, now, nonce ?? "", []));
            return request;
        }
        async Task<(HttpStatusCode, string)> Send(HttpRequestMessage request)
        {
            using (request)
            using (var response = await http.SendAsync(request))
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var nonce = PeerSignature.NewNonce();
        var forged = await Send(Signed("wrong-secret", nonce));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.Item1);
        Assert.Contains("signature does not match", forged.Item2);
        var noNonce = await Send(Signed(Federation.Secret, null));
        Assert.Equal(HttpStatusCode.Unauthorized, noNonce.Item1);
        Assert.Contains("nonce", noNonce.Item2);

        // The forged call did not spend the nonce; the genuine one does, so the same call again is a replay.
        Assert.Equal(HttpStatusCode.NotFound, (await Send(Signed(Federation.Secret, nonce))).Item1); // authenticated; the device just isn't there
        var replay = await Send(Signed(Federation.Secret, nonce));
        Assert.Equal(HttpStatusCode.Unauthorized, replay.Item1);
        Assert.Contains("replayed", replay.Item2);
    }
}
