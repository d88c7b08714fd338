// Ids for forwarded messages: increasing within the process, so a group's backlog is delivered in the order messages
// were made, and larger than any id already stored, so they keep increasing across restarts (Seed at start).
// The shape of the platform's message ids: a 64-bit number, milliseconds in the high bits.
namespace Thingyard.Subscriptions;

public sealed class MessageIds(TimeProvider time)
{
    // Milliseconds since 2020 shifted past 16 bits of sequence: 65,536 ids per millisecond before borrowing from the next.
    const int SequenceBits = 16;
    static readonly long Epoch = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    long _last;
    // In a cluster each node owns one residue of the ids modulo Slots (its slot, held as a database lock while it runs),
    // so ids made in the same millisecond on two nodes still differ. 0 and 1 on a single node: every id.
    long _slot;
    long _slots = 1;

    /// <summary>Makes only ids equal to <paramref name="slot"/> modulo <paramref name="slots"/> (a power of two).</summary>
    public void UseSlot(int slot, int slots)
    {
        _slots = slots;
        _slot = slot;
    }

    public long Next()
    {
        var candidate = (time.GetUtcNow().ToUnixTimeMilliseconds() - Epoch) << SequenceBits;
        while (true)
        {
            var last = Volatile.Read(ref _last);
            var next = Math.Max(candidate, last + 1);
            if (_slots > 1) next = ((next - _slot + _slots - 1) & ~(_slots - 1)) + _slot;
            if (Interlocked.CompareExchange(ref _last, next, last) == last) return next;
        }
    }

    /// <summary>Ids after this one only (the largest stored, read at start: the clock may have gone back).</summary>
    public void Seed(long atLeast)
    {
        long last;
        do last = Volatile.Read(ref _last);
        while (atLeast > last && Interlocked.CompareExchange(ref _last, atLeast, last) != last);
    }
}
