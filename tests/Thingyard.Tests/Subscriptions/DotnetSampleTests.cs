// Alibaba's .NET sample for the server-side subscription ("Connect a client to IoT Platform by using the SDK for .NET")
// connects as these tests do: AMQP.Net Lite, TLS on the AMQP port, the signed user name and password in the Address
// (the library then uses SASL PLAIN; the sample's SaslProfile.External setting gives way to them), hmacmd5, an
// idle-time-out of 120 s, a max frame size of 8 KB and a container id and host name of its own, one receiver link
// "queueName" started with 20 credits, and each message accepted in the callback after reading its messageId and topic
// application properties and its body as bytes. The timestamp comes from DateTime.Now, local time, as the sample's.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Amqp;
using Amqp.Sasl;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Subscriptions;

public sealed class DotnetSampleTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    sealed record Got(string? MessageId, string? Topic, string Body);

    async Task<Connection> ConnectAsync(string group, string clientId, string? secret = null)
    {
        var timestamp = (long)(DateTime.Now - new DateTime(1970, 1, 1)).TotalMilliseconds;
        var userName = $"{clientId}|authMode=aksign,signMethod=hmacmd5,consumerGroupId={group},iotInstanceId=,authId={ThingyardServer.AdminKeyId},timestamp={timestamp}|";
        using var hmac = new HMACMD5(Encoding.UTF8.GetBytes(secret ?? ThingyardServer.AdminSecret));
        var password = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"authId={ThingyardServer.AdminKeyId}&timestamp={timestamp}")));
        return await Factory().CreateAsync(new Address("127.0.0.1", server.AmqpTlsPort, userName, password));
    }

    /// <summary>The sample's connection factory.</summary>
    static ConnectionFactory Factory()
    {
        var factory = new ConnectionFactory();
        factory.SSL.RemoteCertificateValidationCallback = (_, _, _, _) => true; // the sample's ValidateServerCertificate
        factory.SASL.Profile = SaslProfile.External;
        factory.AMQP.IdleTimeout = 120_000;
        factory.AMQP.ContainerId = "client.1.2";
        factory.AMQP.HostName = "contoso.com";
        factory.AMQP.MaxFrameSize = 8 * 1024;
        return factory;
    }

    static Channel<Got> Receive(Connection connection)
    {
        var got = Channel.CreateUnbounded<Got>();
        var receiver = new ReceiverLink(new Session(connection), "queueName", null);
        receiver.Start(20, (link, message) =>
        {
            var messageId = message.ApplicationProperties["messageId"] as string;
            var topic = message.ApplicationProperties["topic"] as string;
            var body = Encoding.UTF8.GetString((byte[])message.Body);
            got.Writer.TryWrite(new Got(messageId, topic, body));
            link.Accept(message);
        });
        return got;
    }

    static async Task<Got> NextAsync(Channel<Got> got, string what)
    {
        try { return await got.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15)); }
        catch (TimeoutException) { throw new TimeoutException($"{what} did not come within 15 s"); }
    }

    [Fact]
    public async Task The_dotnet_sample_receives_a_post_and_a_message_larger_than_its_frames_accepts_them_and_gets_nothing_twice()
    {
        var pk = await server.NewModelledProductAsync();
        var d = await server.NewTestDeviceAsync(pk);
        await server.SubscribeAsync(pk);
        // Larger than the 8 KB frames the sample allows: the server splits the transfer, the library joins it.
        var large = JsonSerializer.Serialize(new { blob = new string('x', 20_000) });

        var connection = await ConnectAsync("DEFAULT_GROUP", "sample-1");
        try
        {
            var got = Receive(connection);
            await using (var device = await MqttDevice.ConnectAsync(server, d.ProductKey, d.DeviceName, d.DeviceSecret))
            {
                await device.RequestAsync(device.Sys("thing/event/property/post"), "thing.event.property.post", """{"temperature":21.5}""", qos: 1);
                await device.PublishAsync($"/{pk}/{d.DeviceName}/user/update", large, qos: 1);
            }
            var property = await NextAsync(got, "the property post");
            Assert.Equal($"/{pk}/{d.DeviceName}/thing/event/property/post", property.Topic);
            Assert.False(string.IsNullOrEmpty(property.MessageId));
            var body = JsonDocument.Parse(property.Body).RootElement;
            Assert.Equal(d.DeviceName, body.GetProperty("deviceName").GetString());
            Assert.Equal(21.5, body.GetProperty("items").GetProperty("temperature").GetProperty("value").GetDouble());

            var custom = await NextAsync(got, "the 20 KB message");
            Assert.Equal($"/{pk}/{d.DeviceName}/user/update", custom.Topic);
            Assert.Equal(large, custom.Body);
            Assert.NotEqual(property.MessageId, custom.MessageId);

            // Both accepted: the backlog empties.
            var status = await ConnectivityCalls.EventuallyAsync(() => server.Call("QueryConsumerGroupStatus", ("GroupId", "DEFAULT_GROUP")),
                s => s.GetProperty("AccumulationCount").GetInt64() == 0);
            Assert.Equal(0, status.GetProperty("AccumulationCount").GetInt64());
        }
        finally { await connection.CloseAsync(); }

        // Reconnecting, as the sample's ConnClosed does, brings nothing again.
        var again = await ConnectAsync("DEFAULT_GROUP", "sample-1");
        try
        {
            var got = Receive(again);
            await Task.Delay(2_000);
            Assert.False(got.Reader.TryRead(out var extra), $"received {extra?.Topic} again");
        }
        finally { await again.CloseAsync(); }
    }

    [Fact]
    public async Task The_dotnet_sample_signed_with_a_wrong_secret_is_refused()
    {
        // AMQP.Net Lite reports the SASL outcome's code: Auth, an authentication failure.
        var e = await Assert.ThrowsAsync<AmqpException>(() => ConnectAsync("DEFAULT_GROUP", "sample-bad", secret: "not-the-secret"));
        Assert.Equal("Sasl negotiation failed with code Auth.", e.Message);
    }

    [Fact]
    public async Task A_plain_message_that_is_not_three_fields_is_refused_as_an_authentication_failure_and_logged()
    {
        // A NUL inside the password makes the PLAIN message four fields; the user name is then not read at all.
        var e = await Assert.ThrowsAsync<AmqpException>(() => Factory().CreateAsync(new Address("127.0.0.1", server.AmqpTlsPort, "nul-client|authMode=aksign|", "pass\0word")));
        Assert.Equal("Sasl negotiation failed with code Auth.", e.Message);
        Assert.Contains(server.Logs.Lines, l => l.Message.StartsWith("AMQP client") && l.Message.Contains("the user name is not clientId|authMode=aksign"));
    }
}
