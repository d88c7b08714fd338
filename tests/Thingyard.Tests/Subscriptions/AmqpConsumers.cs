// Starting the rhea client of tests/compat/amqp.js (written from Alibaba's AMQP documentation) against a test server,
// and subscribing a product's messages to a group.
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Subscriptions;

public static class AmqpConsumers
{
    public const string Script = "amqp.js";

    /// <summary>A rhea client of the group (admin's AccessKey unless another account is given) over TLS.</summary>
    public static NodeScript Start(ThingyardServer server, string group, TestAccount? account = null, int count = 0, int quietMs = 0,
        string? secret = null, object? idleTimeOut = null, string clientId = "app-1", bool tls = true, int timeoutMs = 30_000, string signMethod = "hmacsha1",
        bool accept = true, bool presettled = false) =>
        Start(tls ? server.AmqpTlsPort : server.AmqpPort, tls, group, account, count, quietMs, secret, idleTimeOut, clientId, timeoutMs, signMethod, accept, presettled);

    public static NodeScript Start(int port, bool tls, string group, TestAccount? account = null, int count = 0, int quietMs = 0,
        string? secret = null, object? idleTimeOut = null, string clientId = "app-1", int timeoutMs = 30_000, string signMethod = "hmacsha1",
        bool accept = true, bool presettled = false)
    {
        var (keyId, keySecret) = account is null ? (ThingyardServer.AdminKeyId, ThingyardServer.AdminSecret) : (account.AccessKeyId, account.AccessKeySecret);
        return NodeSdk.StartScript(Script, "consume", new
        {
            host = "127.0.0.1",
            port,
            tls,
            accessKeyId = keyId,
            accessKeySecret = secret ?? keySecret,
            consumerGroupId = group,
            clientId,
            signMethod,
            count,
            quietMs,
            idleTimeOut = idleTimeOut ?? 60_000,
            timeoutMs,
            accept,
            presettled,
        });
    }

    /// <summary>Subscribes the product's upstream data (and, when asked, status changes) to the groups.</summary>
    public static Task SubscribeAsync(this ThingyardServer server, string productKey, bool status = false, params string[] groups)
    {
        var p = new List<(string, string)> { ("ProductKey", productKey), ("Type", "AMQP"), ("DeviceDataFlag", "true"), ("DeviceStatusChangeFlag", status ? "true" : "false") };
        var i = 1;
        foreach (var g in groups.Length == 0 ? ["DEFAULT_GROUP"] : groups) p.Add(($"ConsumerGroupIds.{i++}", g));
        return server.Call("CreateSubscribeRelation", [.. p]);
    }
}
