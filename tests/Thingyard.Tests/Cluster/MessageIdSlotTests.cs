// Each node of a cluster makes message ids of its own residue modulo 64 (its slot, a database lock it holds), so ids
// made in the same millisecond on two nodes differ, and each node's ids still increase.
using Thingyard.Subscriptions;

namespace Thingyard.Tests.Cluster;

public sealed class MessageIdSlotTests
{
    sealed class FrozenTime : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    }

    [Fact]
    public void Two_nodes_in_the_same_millisecond_never_make_the_same_id()
    {
        var (a, b) = (new MessageIds(new FrozenTime()), new MessageIds(new FrozenTime()));
        a.UseSlot(0, 64);
        b.UseSlot(1, 64);
        var ids = new HashSet<long>();
        long lastA = 0, lastB = 0;
        for (var i = 0; i < 5000; i++)
        {
            var (x, y) = (a.Next(), b.Next());
            Assert.Equal(0, x % 64);
            Assert.Equal(1, y % 64);
            Assert.True(x > lastA && y > lastB);
            (lastA, lastB) = (x, y);
            Assert.True(ids.Add(x) && ids.Add(y));
        }
        // Without slots, the same clock makes the same ids.
        Assert.Equal(new MessageIds(new FrozenTime()).Next(), new MessageIds(new FrozenTime()).Next());
    }

    [Fact]
    public void Ids_seeded_from_another_nodes_stay_in_this_nodes_slot()
    {
        var ids = new MessageIds(new FrozenTime());
        ids.UseSlot(5, 64);
        ids.Seed(long.MaxValue / 4 + 3); // the largest stored id, made by another node
        var next = ids.Next();
        Assert.Equal(5, next % 64);
        Assert.True(next > long.MaxValue / 4 + 3);
    }
}
