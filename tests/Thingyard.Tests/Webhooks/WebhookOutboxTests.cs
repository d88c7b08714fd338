// The webhook outbox against a real loopback receiver: a receiver that is down for three attempts gets the body on the
// fourth, signed so it can check it; one that never answers 2xx leaves a dead letter the owner lists and replays (and
// another account cannot see); bad URLs and tokens are refused before anything is queued.
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Webhooks;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Webhooks;

public sealed class WebhookOutboxTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    WebhookOutbox Outbox => server.Services.GetRequiredService<WebhookOutbox>();

    async Task<long> AdminAccountIdAsync()
    {
        await using var db = await server.DbAsync();
        return db.AccessKeys.Single(k => k.Id == ThingyardServer.AdminKeyId).AccountId;
    }

    [Fact]
    public async Task A_receiver_down_for_three_attempts_gets_the_signed_body_on_the_fourth()
    {
        using var receiver = new WebhookReceiver { FailFirst = 3 };
        var body = Encoding.UTF8.GetBytes("{\"temperature\":23.5}");
        var id = await Outbox.EnqueueAsync(new WebhookRequest(await AdminAccountIdAsync(), "test:fourth", receiver.Url, "s3cret", body));

        var delivered = Assert.Single(await receiver.DeliveredAsync());
        Assert.Equal(4, receiver.Requests.Count);
        Assert.All(receiver.Requests.Take(3), r => Assert.Equal(500, r.AnsweredStatus));
        Assert.Equal(body, delivered.Body);
        Assert.Equal(id.ToString(), delivered.Headers[WebhookSignature.DeliveryHeader]);
        Assert.Equal("test:fourth", delivered.Headers[WebhookSignature.SourceHeader]);
        var stamp = long.Parse(delivered.Headers[WebhookSignature.TimestampHeader]);
        Assert.Equal(WebhookSignature.Sign("s3cret", stamp, body), delivered.Headers[WebhookSignature.SignatureHeader]);
        // The receiver's own check: HMAC-SHA256 over "timestamp.body", computed here without the server's helper.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"),
            Encoding.UTF8.GetBytes($"{stamp}.{Encoding.UTF8.GetString(body)}")));
        Assert.Equal("v1=" + expected, delivered.Headers[WebhookSignature.SignatureHeader]);

        // Delivered rows leave the outbox.
        await using var db = await server.DbAsync();
        for (var i = 0; i < 50 && db.WebhookDeliveries.Any(d => d.Id == id); i++) await Task.Delay(100);
        Assert.False(db.WebhookDeliveries.Any(d => d.Id == id));
    }

    [Fact]
    public async Task A_receiver_that_never_answers_leaves_a_dead_letter_its_owner_replays()
    {
        using var receiver = new WebhookReceiver { FailFirst = int.MaxValue };
        var source = Unique("test");
        await Outbox.EnqueueAsync(new WebhookRequest(await AdminAccountIdAsync(), source, receiver.Url, null, "{\"n\":1}"u8.ToArray()));

        System.Text.Json.JsonElement list = default;
        for (var i = 0; i < 150; i++)
        {
            list = await server.Call("ListWebhookDeadLetters", ("Source", source));
            if (list.GetProperty("Total").GetInt32() == 1) break;
            await Task.Delay(100);
        }
        var dead = Assert.Single(list.At("Data.DeadLetter").EnumerateArray());
        Assert.Equal(6, dead.GetProperty("Attempts").GetInt32()); // MaxAttempts
        Assert.Equal(500, dead.GetProperty("LastStatus").GetInt32());
        Assert.Equal("{\"n\":1}", dead.Str("Body"));
        Assert.Equal(6, receiver.Requests.Count);
        Assert.False(receiver.Requests.First().Headers.ContainsKey(WebhookSignature.SignatureHeader)); // no token, no signature

        // Another account neither sees nor replays it.
        var other = await server.NewAccountAsync();
        Assert.Equal(0, (await server.CallAs(other, "ListWebhookDeadLetters", ("Source", source))).GetProperty("Total").GetInt32());
        Assert.Equal(0, (await server.CallAs(other, "ReplayWebhookDeadLetters", ("Source", source))).GetProperty("Count").GetInt32());

        receiver.FailFirst = 0;
        Assert.Equal(1, (await server.Call("ReplayWebhookDeadLetters", ("Ids.1", dead.GetProperty("Id").GetInt64().ToString()))).GetProperty("Count").GetInt32());
        var delivered = Assert.Single(await receiver.DeliveredAsync());
        Assert.Equal("{\"n\":1}", delivered.Text);
        Assert.Equal(0, (await server.Call("ListWebhookDeadLetters", ("Source", source))).GetProperty("Total").GetInt32());
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/hook")]
    [InlineData("/relative/hook")]
    [InlineData("")]
    public async Task A_url_that_is_not_http_is_refused(string url)
    {
        var e = await Assert.ThrowsAsync<Thingyard.Common.IotException>(() =>
            Outbox.EnqueueAsync(new WebhookRequest(1, "test:bad", url, null, [])));
        Assert.Contains("URL", e.Message);
        Assert.Null(WebhookOutbox.CheckToken(new string('k', 64)));
        Assert.NotNull(WebhookOutbox.CheckToken(new string('k', 65)));
    }
}
