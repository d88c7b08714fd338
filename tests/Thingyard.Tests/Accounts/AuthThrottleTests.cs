// The failed-credential throttle: a window of failures locks an address or an identity out for the lockout, only that
// one, and only until the lockout ends; the MQTT check applies it per remote address and per device.
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Accounts;
using Thingyard.Connectivity;
using Thingyard.Tests.Connectivity;
using Thingyard.Tests.Devices;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.Accounts;

/// <summary>A server whose throttle locks out after 6 failures per address or 3 per identity.</summary>
public sealed class ThrottledServer : ThingyardServer
{
    public const int PerAddress = 6;
    public const int PerIdentity = 3;

    public ThrottledServer() => Limits(PerAddress, PerIdentity);

    /// <summary>Other limits, before the server starts.</summary>
    public ThrottledServer Limits(int perAddress = PerAddress, int perIdentity = PerIdentity)
    {
        Settings["Thingyard:Security:AuthFailures:PerAddress"] = perAddress.ToString();
        Settings["Thingyard:Security:AuthFailures:PerIdentity"] = perIdentity.ToString();
        return this;
    }
}

public sealed class AuthThrottleTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [Fact]
    public void Failures_lock_out_their_address_or_identity_until_the_lockout_ends()
    {
        var time = new ManualTime();
        var throttle = new AuthThrottle(new AuthThrottleOptions { PerAddress = 5, PerIdentity = 2, WindowSeconds = 60, LockoutSeconds = 300 }, time);

        throttle.Failed("10.0.0.1", "device a/1");
        Assert.Null(throttle.Blocked("10.0.0.1", "device a/1"));
        throttle.Failed("10.0.0.2", "device a/1");
        Assert.Equal(TimeSpan.FromSeconds(300), throttle.Blocked("10.0.0.3", "device a/1")); // the device, from anywhere
        Assert.Null(throttle.Blocked("10.0.0.3", "device a/2"));
        Assert.Equal(1, throttle.IdentityLockouts);

        time.Now += TimeSpan.FromSeconds(299);
        Assert.NotNull(throttle.Blocked(null, "device a/1"));
        time.Now += TimeSpan.FromSeconds(1);
        Assert.Null(throttle.Blocked(null, "device a/1"));
        Assert.Equal(2, throttle.Refused); // the two refusals above
    }

    [Fact]
    public void Failures_spread_over_more_than_a_window_do_not_add_up()
    {
        var time = new ManualTime();
        var throttle = new AuthThrottle(new AuthThrottleOptions { PerAddress = 3, PerIdentity = 0, WindowSeconds = 60 }, time);
        for (var i = 0; i < 10; i++)
        {
            throttle.Failed("10.0.0.1", $"key k{i}");
            if (i % 2 == 1) time.Now += TimeSpan.FromSeconds(61); // two per window
        }
        Assert.Null(throttle.Blocked("10.0.0.1", null));
        throttle.Failed("10.0.0.1", null);
        throttle.Failed("10.0.0.1", null);
        throttle.Failed("10.0.0.1", null);
        Assert.NotNull(throttle.Blocked("10.0.0.1", null));
        Assert.Null(throttle.Blocked("10.0.0.9", null));
    }

    [Fact]
    public async Task Mqtt_connects_from_an_address_that_failed_too_often_are_refused_even_with_the_right_password()
    {
        var d = await server.NewTestDeviceAsync(await server.NewModelledProductAsync());
        var authenticator = new DeviceAuthenticator(server.Services.GetRequiredService<DeviceDirectory>(),
            new AuthThrottle(new AuthThrottleOptions { PerAddress = 3, PerIdentity = 0 }, TimeProvider.System));
        var (clientId, username, password) = DeviceKit.Credentials(d, new ConnectStyle());

        for (var i = 0; i < 3; i++) // three different made-up devices from one address
            Assert.Equal(ConnectRefusal.BadCredentials, (await authenticator.DecideAsync(clientId, $"nobody{i}&{d.ProductKey}", password, 60, remote: "203.0.113.7")).Refusal);
        Assert.True(authenticator.IsThrottled("203.0.113.7"));

        var refused = await authenticator.DecideAsync(clientId, username, password, 60, remote: "203.0.113.7");
        Assert.Equal(ConnectRefusal.Throttled, refused.Refusal);
        Assert.Contains("too many failed attempts", refused.Reason);
        Assert.True((await authenticator.DecideAsync(clientId, username, password, 60, remote: "203.0.113.8")).Accepted);
        Assert.True((await authenticator.DecideAsync(clientId, username, password, 60)).Accepted); // no address known
    }
}
