// The uplink route table on its own: literal levels beat wildcards, {name} levels reach the handler, '#' takes the rest,
// and a failed deeper match backs off to the next candidate.
using Thingyard.Server.Connectivity;

namespace Thingyard.Tests.Connectivity;

public sealed class UplinkRoutesTests
{
    static readonly Func<Uplink, Task> None = _ => Task.CompletedTask;

    static UplinkRoutes Table() => new UplinkRoutes([], new NoServices())
        .Alink("/sys/+/+/thing/event/property/post", None)
        .Alink("/sys/+/+/thing/event/{identifier}/post", None)
        .Alink("/sys/+/+/thing/+/#", None)
        .Raw("/ext/rrpc/{id}/#", _ => { })
        .Add("/shadow/update/+/+", UplinkPayload.Raw, None);

    static string? Pattern(UplinkRoutes t, string topic) => t.Match(topic.Split('/'))?.Pattern;

    [Theory]
    [InlineData("/sys/pk/dn/thing/event/property/post", "/sys/+/+/thing/event/property/post")]
    [InlineData("/sys/pk/dn/thing/event/overheat/post", "/sys/+/+/thing/event/{identifier}/post")]
    [InlineData("/sys/pk/dn/thing/event/overheat/post/extra", "/sys/+/+/thing/+/#")]
    [InlineData("/sys/pk/dn/thing/anything", "/sys/+/+/thing/+/#")]
    [InlineData("/ext/rrpc/123/sys/pk/dn/thing/service/ping", "/ext/rrpc/{id}/#")]
    [InlineData("/ext/rrpc/123", "/ext/rrpc/{id}/#")]
    [InlineData("/shadow/update/pk/dn", "/shadow/update/+/+")]
    [InlineData("/pk/dn/user/update", null)]
    [InlineData("/sys/pk/dn/thing", null)]
    [InlineData("/shadow/update/pk/dn/more", null)]
    public void A_topic_takes_the_most_literal_route_that_matches(string topic, string? expected) =>
        Assert.Equal(expected, Pattern(Table(), topic));

    [Fact]
    public void The_named_level_is_the_one_handed_to_the_handler()
    {
        var levels = "/sys/pk/dn/thing/event/overheat/post".Split('/');
        var route = Table().Match(levels)!;
        Assert.Equal("overheat", levels[route.ArgLevel]);
        Assert.Equal(-1, Table().Match("/shadow/update/pk/dn".Split('/'))!.ArgLevel);
    }

    [Fact]
    public void A_pattern_routed_twice_or_with_a_misplaced_hash_is_refused_at_start()
    {
        Assert.Throws<ArgumentException>(() => Table().Alink("/sys/+/+/thing/event/property/post", None));
        Assert.Throws<ArgumentException>(() => Table().Alink("/sys/#/post", None));
        Assert.Throws<ArgumentException>(() => Table().Alink("/sys/{a}/{b}", None));
    }

    sealed class NoServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }
}
