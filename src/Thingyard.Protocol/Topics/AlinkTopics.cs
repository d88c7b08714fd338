// The Alink topic names of one device (alink-compat-brief: topics). Replies go to the request topic plus "_reply".
namespace Thingyard.Protocol.Topics;

public static class AlinkTopics
{
    public const string ReplySuffix = "_reply";

    public static string Sys(string productKey, string deviceName, string suffix) => $"/sys/{productKey}/{deviceName}/{suffix}";

    public static string PropertyPost(string pk, string dn) => Sys(pk, dn, "thing/event/property/post");

    public static string EventPost(string pk, string dn, string identifier) => Sys(pk, dn, $"thing/event/{identifier}/post");

    public static string PropertySet(string pk, string dn) => Sys(pk, dn, "thing/service/property/set");

    public static string Service(string pk, string dn, string identifier) => Sys(pk, dn, $"thing/service/{identifier}");

    public static string RrpcRequest(string pk, string dn, string messageId) => Sys(pk, dn, $"rrpc/request/{messageId}");

    public static string RrpcResponse(string pk, string dn, string messageId) => Sys(pk, dn, $"rrpc/response/{messageId}");

    public static string Reply(string requestTopic) => requestTopic + ReplySuffix;
}
