// Unit tests of the compiled topic classes and the short-name rule (Thingyard.Protocol.Topics): which custom topics a
// device may publish to, which filters a class covers, and what a class name may hold.
using Thingyard.Protocol.Topics;

namespace Thingyard.Tests.Protocol;

public sealed class TopicClassSetTests
{
    static readonly TopicClassSet Set = new([
        new("update", TopicOperation.Pub), new("get", TopicOperation.Sub), new("both", TopicOperation.All),
        new("cmd/+", TopicOperation.Sub), new("down/#", TopicOperation.Sub), new("+/status", TopicOperation.Sub),
    ]);

    [Theory]
    [InlineData("update", true)]
    [InlineData("both", true)]
    [InlineData("get", false)]
    [InlineData("cmd/x", false)]
    [InlineData("update/x", false)]
    [InlineData("", false)]
    public void Publishing_needs_a_pub_or_all_class_of_exactly_that_name(string shortName, bool allowed) =>
        Assert.Equal(allowed, Set.MayPublish(shortName));

    [Theory]
    [InlineData("get", true)]
    [InlineData("both", true)]
    [InlineData("cmd/+", true)]
    [InlineData("cmd/light", true)]
    [InlineData("down/#", true)]
    [InlineData("down/a/b/c", true)]
    [InlineData("down/+", true)]
    [InlineData("lamp/status", true)]
    [InlineData("+/status", true)]
    [InlineData("update", false)]
    [InlineData("cmd/#", false)]
    [InlineData("cmd", false)]
    [InlineData("cmd/a/b", false)]
    [InlineData("down", true)] // MQTT: down/# also matches down
    [InlineData("#", false)]
    [InlineData("+", false)]
    [InlineData("#/status", false)]
    public void A_filter_is_allowed_when_a_sub_or_all_class_covers_it(string filter, bool allowed) =>
        Assert.Equal(allowed, Set.MaySubscribe(filter));

    [Theory]
    [InlineData("/pk/dn/user/update", 12)]
    [InlineData("/pk/dn/user/", 12)]
    [InlineData("/pk/dn/update", -1)]
    [InlineData("/sys/pk/dn/user/x", -1)]
    [InlineData("/pk/dnx/user/x", -1)]
    [InlineData("/pkx/dn/user/x", -1)]
    public void Only_the_devices_own_user_topics_have_a_short_name(string topic, int start) =>
        Assert.Equal(start, TopicClassSet.UserSuffix(topic, "pk", "dn"));

    [Theory]
    [InlineData("data/report", TopicOperation.Pub, null, "data/report")]
    [InlineData("/pk/${deviceName}/user/data", TopicOperation.All, null, "data")]
    [InlineData("user/data", TopicOperation.Pub, null, "data")]
    [InlineData("cmd/+/x/#", TopicOperation.Sub, null, "cmd/+/x/#")]
    [InlineData("cmd/+", TopicOperation.Pub, "only a SUB class", null)]
    [InlineData("a/#/b", TopicOperation.Sub, "# before its last level", null)]
    [InlineData("a//b", TopicOperation.Pub, "empty level", null)]
    [InlineData("a-b", TopicOperation.Pub, "letters, digits and _ only", null)]
    [InlineData("", TopicOperation.Pub, "empty", null)]
    public void Short_names_follow_the_platforms_rule(string input, TopicOperation op, string? problem, string? shortName)
    {
        var found = TopicClassNames.Check("pk", input, op, out var name);
        if (problem is null)
        {
            Assert.Null(found);
            Assert.Equal(shortName, name);
        }
        else Assert.Contains(problem, found);
    }
}
