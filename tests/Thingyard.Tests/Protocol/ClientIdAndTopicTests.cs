// Client-id parsing, what the id asks of the platform (_ss, ext), and the topic ACL, without a broker.
using Thingyard.Protocol.Devices;
using Thingyard.Protocol.Topics;

namespace Thingyard.Tests.Protocol;

public sealed class ClientIdAndTopicTests
{
    [Theory]
    [InlineData("a1PK&dev1|securemode=3,signmethod=hmacsha1,timestamp=1|", "a1PK&dev1", "hmacsha1")]
    [InlineData("a1PK.dev1|timestamp=2524608000000,_v=sdk-c-3.2.0,securemode=3,signmethod=hmacsha256,lan=C,gw=0,ext=0|", "a1PK.dev1", "hmacsha256")]
    [InlineData("free-id", "free-id", null)]
    [InlineData("a1PK&dev1|signmethod=hmacmd5", "a1PK&dev1", "hmacmd5")] // no closing bar: the rest is the block
    [InlineData("a1PK&dev1|signmethod=hmacsha1,, junk ,=x|", "a1PK&dev1", "hmacsha1")] // empty, key-less and value-less entries are skipped
    public void A_client_id_splits_into_its_base_and_its_parameters(string clientId, string expectedBase, string? signMethod)
    {
        var id = MqttClientId.Parse(clientId);
        Assert.Equal(expectedBase, id.Base);
        Assert.Equal(signMethod, id["signmethod"]);
        Assert.Null(id["nothing"]);
    }

    [Theory]
    [InlineData("pk&dn|securemode=3,_ss=1,ext=3|", true, true)]   // C SDK 4.x
    [InlineData("pk&dn|securemode=-2,_ss=1,ext=1|", true, true)]  // Python LinkKit
    [InlineData("pk.dn|securemode=3,ext=0|", false, false)]      // C SDK 3.x without MQTT_AUTO_SUBSCRIBE
    [InlineData("pk&dn|_ss=0,ext=2|", false, false)]
    [InlineData("pk&dn|ext=-1|", false, false)]
    public void The_client_id_says_whether_the_platform_subscribes_and_how_rrpc_travels(string clientId, bool autoSubscribe, bool extRrpc) =>
        Assert.Equal(new ClientFeatures(autoSubscribe, extRrpc), ClientFeatures.Of(MqttClientId.Parse(clientId)));

    [Theory]
    [InlineData("/sys/pk/dn/thing/event/property/post", true)]
    [InlineData("/sys/pk/dn/thing/#", true)]
    [InlineData("/sys/pk/other/thing/event/property/post", false)]
    [InlineData("/sys/+/dn/thing/event/property/post", false)]     // a wildcard may not stand in for the ProductKey
    [InlineData("/sys/pk/+/thing/event/property/post", false)]
    [InlineData("/sys/pk/dn", false)]
    [InlineData("/pk/dn/user/update", true)]
    [InlineData("/pk/dn/user/anything/deeper", true)]
    [InlineData("/pk/dn/other/x", false)]
    [InlineData("/shadow/update/pk/dn", true)]
    [InlineData("/shadow/update/pk/dn/x", false)]
    [InlineData("/broadcast/pk/news", true)]
    [InlineData("/broadcast/other/news", false)]
    [InlineData("/ext/ntp/pk/dn/request", true)]
    [InlineData("/ext/session/pk/dn/combine/login", true)]
    [InlineData("/ext/rrpc/123/sys/pk/dn/thing/service/ping", true)]
    [InlineData("/ext/rrpc/+/sys/pk/dn/thing/service/ping", true)]
    [InlineData("/ext/rrpc/123/sys/pk/other/thing/service/ping", false)]
    [InlineData("/ext/rrpc/#", false)]
    [InlineData("/ota/device/upgrade/pk/dn", true)]
    [InlineData("sys/pk/dn/thing/event/property/post", false)]     // topics start with '/'
    [InlineData("", false)]
    public void A_device_may_only_touch_its_own_topics(string topic, bool allowed) =>
        Assert.Equal(allowed, TopicAcl.IsInNamespace(topic, "pk", "dn"));

    [Fact]
    public void Overlong_topics_are_refused() =>
        Assert.False(TopicAcl.IsInNamespace("/pk/dn/user/" + new string('x', TopicAcl.MaxTopicLength), "pk", "dn"));

    [Theory]
    [InlineData("/sys/pk/dn/thing/service/property/set", true)]
    [InlineData("/shadow/get/pk/dn", true)]
    [InlineData("/ext/rrpc/77/sys/pk/dn/thing/service/ping", true)]
    [InlineData("/ota/device/upgrade/pk/dn", true)]
    [InlineData("/pk/dn/user/get", false)]                           // custom topics still need a SUBSCRIBE
    [InlineData("/broadcast/pk/news", false)]
    [InlineData("/sys/pk/dnx/thing/service/property/set", false)]
    [InlineData("/sys/pk/dn", false)]
    public void Auto_subscription_covers_the_system_topics_only(string topic, bool covered) =>
        Assert.Equal(covered, TopicAcl.IsAutoSubscribed(topic, "pk", "dn"));

    [Theory]
    [InlineData("dev1", true)]
    [InlineData("lamp-0001_a@b.c:d", true)]
    [InlineData("abc", false)]
    [InlineData("a23456789012345678901234567890123", false)]
    [InlineData("has space", false)]
    [InlineData("名字名字", false)]
    public void Device_names_follow_the_platform_rule(string name, bool valid) => Assert.Equal(valid, DeviceNames.IsValid(name));
}
