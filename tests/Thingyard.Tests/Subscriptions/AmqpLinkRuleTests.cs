// The AMQP endpoint's link rules, with Microsoft.Azure.Amqp as the client: a sender link is refused, a second receiver
// link on one connection is refused (the first keeps working), and a connection that opens no receiver link within the
// deadline is closed (the 15 s deadline shortened through the server's knob, so the test does not wait for it).
using System.Globalization;
using Microsoft.Azure.Amqp;
using Microsoft.Azure.Amqp.Framing;
using Microsoft.Azure.Amqp.Sasl;
using Microsoft.Azure.Amqp.Transport;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Protocol.Signing;
using Thingyard.Server.Subscriptions.Amqp;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Subscriptions;

public sealed class AmqpLinkRuleTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    /// <summary>An authenticated connection with one session to the plain AMQP port, for DEFAULT_GROUP.</summary>
    async Task<(AmqpConnection Connection, AmqpSession Session)> ConnectAsync(string clientId)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var settings = new AmqpSettings();
        var sasl = new SaslTransportProvider();
        sasl.Versions.Add(new AmqpVersion(1, 0, 0));
        sasl.AddHandler(new SaslPlainHandler
        {
            AuthenticationIdentity = AmqpSignature.UserName(clientId, ThingyardServer.AdminKeyId, timestamp, "DEFAULT_GROUP", null, "hmacsha1"),
            Password = AmqpSignature.Password("hmacsha1", ThingyardServer.AdminSecret, ThingyardServer.AdminKeyId, timestamp.ToString(CultureInfo.InvariantCulture))!,
        });
        settings.TransportProviders.Add(sasl);
        var amqp = new AmqpTransportProvider();
        amqp.Versions.Add(new AmqpVersion(1, 0, 0));
        settings.TransportProviders.Add(amqp);
        var initiator = new AmqpTransportInitiator(settings, new TcpTransportSettings { Host = "127.0.0.1", Port = server.AmqpPort });
        var transport = await Task.Factory.FromAsync(initiator.BeginConnect, initiator.EndConnect, TimeSpan.FromSeconds(30), null);
        var connection = new AmqpConnection(transport, settings, new AmqpConnectionSettings { ContainerId = clientId, HostName = "127.0.0.1", IdleTimeOut = 60_000 });
        await connection.OpenAsync(CancellationToken.None);
        var session = connection.CreateSession(new AmqpSessionSettings());
        await session.OpenAsync(CancellationToken.None);
        return (connection, session);
    }

    static AmqpLinkSettings Link(bool receiver) => new()
    {
        LinkName = "link-" + Guid.NewGuid().ToString("N"), Role = receiver, Source = new Source(), Target = new Target(),
        SettleType = SettleMode.SettleOnDispose, TotalLinkCredit = receiver ? 10u : 0u, AutoSendFlow = receiver,
    };

    static async Task<AmqpException> RefusedAsync(AmqpLink link)
    {
        var e = await Assert.ThrowsAnyAsync<Exception>(() => link.OpenAsync(TimeSpan.FromSeconds(30)));
        return e as AmqpException ?? (link.TerminalException as AmqpException) ?? throw new Xunit.Sdk.XunitException($"not an AMQP refusal: {e}");
    }

    [Fact]
    public async Task A_sender_link_is_refused()
    {
        var (connection, session) = await ConnectAsync("sender-client");
        try
        {
            var refused = await RefusedAsync(new SendingAmqpLink(session, Link(receiver: false)));
            Assert.Equal(AmqpErrorCode.NotAllowed, refused.Error.Condition);
            Assert.Contains("open a receiver link", refused.Error.Description);
        }
        finally { connection.SafeClose(); }
    }

    [Fact]
    public async Task A_second_receiver_link_on_one_connection_is_refused_and_the_first_stays_open()
    {
        var (connection, session) = await ConnectAsync("two-links-client");
        try
        {
            var first = new ReceivingAmqpLink(session, Link(receiver: true));
            await first.OpenAsync(TimeSpan.FromSeconds(30));
            var refused = await RefusedAsync(new ReceivingAmqpLink(session, Link(receiver: true)));
            Assert.Equal(AmqpErrorCode.NotAllowed, refused.Error.Condition);
            Assert.Contains("one receiver link per connection", refused.Error.Description);
            Assert.Equal(AmqpObjectState.Opened, first.State);
            Assert.Equal(AmqpObjectState.Opened, connection.State);
        }
        finally { connection.SafeClose(); }
    }

    [Fact]
    public async Task A_connection_without_a_receiver_link_by_the_deadline_is_closed_and_one_with_a_link_stays()
    {
        var amqpServer = server.Services.GetRequiredService<AmqpServer>();
        Assert.Equal(TimeSpan.FromSeconds(15), amqpServer.LinkDeadline); // Alibaba's rule by default
        var (linked, session) = await ConnectAsync("linked-client");
        var link = new ReceivingAmqpLink(session, Link(receiver: true));
        await link.OpenAsync(TimeSpan.FromSeconds(30));
        amqpServer.LinkDeadline = TimeSpan.FromMilliseconds(300);
        try
        {
            var (idle, _) = await ConnectAsync("idle-client");
            var closed = new TaskCompletionSource();
            idle.Closed += (_, _) => closed.TrySetResult();
            if (idle.State is AmqpObjectState.End) closed.TrySetResult();
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            var error = Assert.IsType<AmqpException>(idle.TerminalException);
            Assert.Equal(AmqpErrorCode.NotAllowed, error.Error.Condition);
            Assert.Contains("open a receiver link within", error.Error.Description);

            // The connection that opened its link in time is untouched.
            Assert.Equal(AmqpObjectState.Opened, linked.State);
            Assert.Equal(AmqpObjectState.Opened, link.State);
        }
        finally
        {
            amqpServer.LinkDeadline = TimeSpan.FromSeconds(15);
            linked.SafeClose();
        }
    }
}
