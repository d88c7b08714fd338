// A consumer group that has clients and messages to send but sends nothing for 30 s is reported, with what an operator
// needs to tell the reasons apart (the clients' credit, how much is ready and in flight, how the backlog is loaded),
// once per 30 s; once it sends again it is not reported. The queue is driven directly, on a clock the test moves.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Server.Subscriptions;
using Thingyard.Subscriptions;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Subscriptions;

public sealed class StalledGroupTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    sealed class ManualTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    sealed class Client : IConsumer
    {
        public string ClientId => "stalled";
        public string Address => "127.0.0.1:1";
        public long ConnectedAtMs => 0;
        public int Credit { get; set; }
        public readonly List<long> Sent = [];
        public void Send(IReadOnlyList<BacklogMessage> messages)
        {
            Sent.AddRange(messages.Select(m => m.Id));
            Credit -= messages.Count;
        }
    }

    static BacklogMessage Message(long id) =>
        new() { Id = id, ConsumerGroupId = long.MaxValue, DeviceId = 1, Topic = "/pk/dn/user/x", Payload = [1], GenerateTimeMs = 1, Seq = 1 };

    [Fact]
    public async Task A_group_that_sends_nothing_for_30_s_is_reported_with_its_clients_credit()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch.AddDays(20_000));
        // A group with no rows: its backlog reads empty, and the two messages come as a commit.
        var queue = new GroupQueue(long.MaxValue, server.Services.GetRequiredService<BacklogStore>(), TimeSpan.FromHours(1), time);
        var client = new Client();
        queue.Attach(client);
        queue.Committed([Message(1), Message(2)]);

        string? report = null;
        for (var i = 0; i < 100 && report?.Contains("all in memory") != true; i++)
        {
            await Task.Delay(50); // the backlog read runs on the pool
            time.Now = time.Now.AddSeconds(31);
            report = queue.Tick();
        }
        Assert.NotNull(report);
        Assert.Contains("2 message(s) ready and 0 in flight", report);
        Assert.Contains("clients' credit 0", report);
        Assert.Contains("all in memory", report);
        Assert.Null(queue.Tick()); // once per 30 s

        client.Credit = 5;
        queue.CreditAdded();
        Assert.Equal([1L, 2L], client.Sent);
        time.Now = time.Now.AddSeconds(31);
        Assert.Null(queue.Tick()); // nothing left to send: not stalled
    }
}
