// Slows credential guessing on every door (MQTT CONNECT, REST Basic auth, signed RPC calls): failed checks are counted
// per remote address and per identity (a device, an AccessKey) in a fixed window; past the limit, attempts from that
// address or for that identity are refused at once, without checking any secret, until the lockout has passed. The
// address limit is generous (a NAT or a gateway host carries many devices); the identity limit is strict (a device or
// key with the right secret does not fail ten times a minute). Counts live in memory, per instance.
using Thingyard.Common;

namespace Thingyard.Accounts;

public sealed class AuthThrottleOptions
{
    /// <summary>Failures from one address within the window that lock the address out; 0 turns the limit off.</summary>
    public int PerAddress { get; set; } = 100;
    /// <summary>Failures for one identity (device, AccessKey) within the window that lock it out; 0 turns it off.</summary>
    public int PerIdentity { get; set; } = 10;
    public int WindowSeconds { get; set; } = 60;
    public int LockoutSeconds { get; set; } = 300;
}

public sealed class AuthThrottle
{
    sealed class Counter
    {
        public long WindowEnds;
        public int Failures;
        public long BlockedUntil;
    }

    const int MaxTracked = 200_000;
    readonly AuthThrottleOptions options;
    readonly TimeProvider time;
    // An entry outlives its last failure by a window and a lockout, after which it has nothing left to say.
    readonly ExpiringCache<string, Counter> _counters;
    long _refused, _addressLockouts, _identityLockouts;

    public AuthThrottle(AuthThrottleOptions options, TimeProvider time)
    {
        (this.options, this.time) = (options, time);
        _counters = new(TimeSpan.FromSeconds(Math.Max(options.WindowSeconds, 1) + Math.Max(options.LockoutSeconds, 0)), time,
            MaxTracked, StringComparer.Ordinal);
    }

    /// <summary>Attempts refused without a check because their address or identity was locked out.</summary>
    public long Refused => Interlocked.Read(ref _refused);
    public long AddressLockouts => Interlocked.Read(ref _addressLockouts);
    public long IdentityLockouts => Interlocked.Read(ref _identityLockouts);

    /// <summary>How long attempts from this address or for this identity stay refused (counted as refused), or null
    /// when they may be checked now. Identities are namespaced by their caller ("device pk/dn", "key LTAI...").</summary>
    public TimeSpan? Blocked(string? address, string? identity)
    {
        var now = Now();
        var left = Math.Max(Left(AddressKey(address), now), Left(IdentityKey(identity), now));
        if (left <= 0) return null;
        Interlocked.Increment(ref _refused);
        return TimeSpan.FromMilliseconds(left);
    }

    /// <summary>Records a failed check (a wrong secret or signature, an unknown device or key).</summary>
    /// <summary>Raised for each failure counted here (a cluster tells its other nodes, so a limit holds cluster-wide).</summary>
    public event Action<string?, string?>? FailureCounted;

    public void Failed(string? address, string? identity)
    {
        FailureCounted?.Invoke(address, identity);
        var now = Now();
        if (Count(AddressKey(address), options.PerAddress, now)) Interlocked.Increment(ref _addressLockouts);
        if (Count(IdentityKey(identity), options.PerIdentity, now)) Interlocked.Increment(ref _identityLockouts);
    }

    static string? AddressKey(string? address) => string.IsNullOrEmpty(address) ? null : "a " + address;
    static string? IdentityKey(string? identity) => string.IsNullOrEmpty(identity) ? null : "i " + identity;

    long Left(string? key, long now)
    {
        if (key is null || !_counters.TryGet(key, out var c)) return 0;
        lock (c) return c.BlockedUntil - now;
    }

    /// <summary>Counts one failure; true when it locks the key out.</summary>
    bool Count(string? key, int limit, long now)
    {
        if (key is null || limit <= 0) return false;
        if (!_counters.TryGet(key, out var c)) c = new Counter();
        _counters.Set(key, c); // (re)starts the entry's life from this failure
        lock (c)
        {
            if (now >= c.WindowEnds) (c.WindowEnds, c.Failures) = (now + options.WindowSeconds * 1000L, 0);
            if (++c.Failures < limit) return false;
            (c.BlockedUntil, c.Failures, c.WindowEnds) = (now + options.LockoutSeconds * 1000L, 0, 0);
            return true;
        }
    }

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
