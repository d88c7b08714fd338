// The backlog stored as segments (BacklogSegment, one row per group per commit): the encoding round-trips and refuses
// what it did not write; a segment is deleted only when every message in it is accepted, and its accepted messages
// are not sent again to the group's next client; status counts only what is left; a backlog of an earlier version (a
// row per message) is moved into segments and delivered.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Protocol.Subscriptions;
using Thingyard.Server.Subscriptions;
using Thingyard.Subscriptions;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Subscriptions;

public sealed class BacklogSegmentTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static BacklogMessage Message(long id, long group, string topic, byte[] payload) =>
        new() { Id = id, ConsumerGroupId = group, DeviceId = id * 10, Topic = topic, Payload = payload, GenerateTimeMs = 1_700_000_000_000 + id };

    [Fact]
    public void A_segment_gives_back_its_messages_and_refuses_what_it_did_not_write()
    {
        var segment = BacklogSegment.Of([Message(7, 3, "/pk/dn/user/température", [1, 2, 3]), Message(9, 3, "/pk/dn/thing/event/property/post", [])]);
        segment.Seq = 42;
        Assert.Equal((7L, 9L, 2, 1_700_000_000_009L), (segment.FirstId, segment.LastId, segment.Count, segment.GenerateTimeMs));
        var back = segment.Messages();
        Assert.Equal([7L, 9L], back.Select(m => m.Id));
        Assert.Equal(["/pk/dn/user/température", "/pk/dn/thing/event/property/post"], back.Select(m => m.Topic));
        Assert.Equal([1, 2, 3], back[0].Payload);
        Assert.Empty(back[1].Payload);
        Assert.All(back, m => Assert.Equal((3L, 42L, m.Id * 10), (m.ConsumerGroupId, m.Seq, m.DeviceId)));

        Assert.Throws<InvalidDataException>(() => new BacklogSegment { Data = [2, 0, 0] }.Messages());
        Assert.Throws<InvalidDataException>(() => new BacklogSegment { Data = segment.Data[..20] }.Messages());
        // Long enough, but a length inside runs past the end: the topic's (after the version byte and three int64s),
        // then the payload's.
        var badTopic = segment.Data.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(badTopic.AsSpan(1 + 24), 1_000_000);
        Assert.Throws<InvalidDataException>(() => new BacklogSegment { Data = badTopic }.Messages());
        var badPayload = segment.Data.ToArray();
        var topicLength = System.Text.Encoding.UTF8.GetByteCount("/pk/dn/user/température");
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(badPayload.AsSpan(1 + 28 + topicLength), -5);
        Assert.Throws<InvalidDataException>(() => new BacklogSegment { Data = badPayload }.Messages());
    }

    async Task<(string GroupId, long Row)> GroupAsync()
    {
        var groupId = (await server.Call("CreateConsumerGroup", ("GroupName", RegistryCalls.Unique("seg")))).Str("GroupId");
        await using var db = await server.DbAsync();
        return (groupId, await db.ConsumerGroups.Where(g => g.GroupId == groupId).Select(g => g.Id).SingleAsync());
    }

    AmqpSubscriber.Options Options(string group, string clientId) =>
        new("127.0.0.1", server.AmqpPort, ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret, group) { Tls = false, ClientId = clientId };

    static async Task<List<(SubscribedMessage Message, DeliveryToken Tag)>> ReceiveAsync(AmqpSubscriber client, int n)
    {
        var got = new List<(SubscribedMessage, DeliveryToken)>();
        for (var i = 0; i < n; i++) got.Add(await client.ReceiveAsync(TimeSpan.FromSeconds(15)) ?? throw new TimeoutException($"message {i + 1} of {n} did not come"));
        return got;
    }

    async Task<long> BacklogAsync(string group) =>
        (await server.Call("QueryConsumerGroupStatus", ("GroupId", group))).GetProperty("AccumulationCount").GetInt64();

    [Fact]
    public async Task A_partly_accepted_segment_stays_and_its_accepted_messages_are_not_sent_again()
    {
        var (group, row) = await GroupAsync();
        var ids = server.Services.GetRequiredService<MessageIds>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var db = await server.DbAsync())
        {
            db.BacklogSegments.Add(BacklogSegment.Of([.. Enumerable.Range(0, 5).Select(i => new BacklogMessage
            {
                Id = ids.Next(), ConsumerGroupId = row, DeviceId = 1, Topic = "/pk/dn/user/seg", Payload = [(byte)i], GenerateTimeMs = now,
            })]));
            await db.SaveChangesAsync();
        }

        await using (var first = await AmqpSubscriber.ConnectAsync(Options(group, "first")))
        {
            var got = await ReceiveAsync(first, 5);
            Assert.Equal([0, 1, 2, 3, 4], got.Select(g => (int)g.Message.Payload[0]));
            first.Accept(got[0].Tag);
            first.Accept(got[1].Tag);
            Assert.Equal(3, (await ConnectivityCalls.EventuallyAsync(async () => await BacklogAsync(group), n => n == 3)));
        }
        // Three messages are left in the segment: it stays, and the next client gets just those three.
        await using (var db = await server.DbAsync()) Assert.Equal(1, await db.BacklogSegments.CountAsync(s => s.ConsumerGroupId == row));
        await using (var second = await AmqpSubscriber.ConnectAsync(Options(group, "second")))
        {
            var got = await ReceiveAsync(second, 3);
            Assert.Equal([2, 3, 4], got.Select(g => (int)g.Message.Payload[0]));
            Assert.Null(await second.ReceiveAsync(TimeSpan.FromMilliseconds(500)));
            foreach (var g in got) second.Accept(g.Tag);
            Assert.Equal(0, await ConnectivityCalls.EventuallyAsync(async () => await BacklogAsync(group), n => n == 0));
        }
        // All accepted: the row goes.
        Assert.Equal(0, await ConnectivityCalls.EventuallyAsync(async () =>
        {
            await using var db = await server.DbAsync();
            return await db.BacklogSegments.CountAsync(s => s.ConsumerGroupId == row);
        }, n => n == 0));
    }

    [Fact]
    public async Task An_earlier_versions_backlog_rows_are_moved_into_segments_and_delivered()
    {
        var (group, row) = await GroupAsync();
        var ids = server.Services.GetRequiredService<MessageIds>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await using (var db = await server.DbAsync())
        {
            for (var i = 0; i < 3; i++)
                db.Backlog.Add(new BacklogMessage { Id = ids.Next(), ConsumerGroupId = row, DeviceId = 2, Topic = "/pk/dn/user/old", Payload = [(byte)(10 + i)], GenerateTimeMs = now });
            await db.SaveChangesAsync();
        }
        Assert.Equal(3, await server.Services.GetRequiredService<BacklogStore>().MoveLegacyRowsAsync(CancellationToken.None));
        await using (var db = await server.DbAsync())
        {
            Assert.False(await db.Backlog.AnyAsync(m => m.ConsumerGroupId == row));
            Assert.Equal(3, await db.BacklogSegments.Where(s => s.ConsumerGroupId == row).SumAsync(s => s.Count));
        }
        await using var client = await AmqpSubscriber.ConnectAsync(Options(group, "upgraded"));
        var got = await ReceiveAsync(client, 3);
        Assert.Equal([10, 11, 12], got.Select(g => (int)g.Message.Payload[0]));
        Assert.All(got, g => Assert.Equal("/pk/dn/user/old", g.Message.Topic));
    }
}
