// The topics a device of a product uses (GET /api/v1/products/{pk}/topics, the console's Topic list): the thing model's (property post and set, each
// event and service, their replies), shadow, remote configuration, NTP, RRPC, tags, the gateway's own, and the
// product's topic classes (its default ones and its custom ones). /sys topics are built with Thingyard.Protocol's
// AlinkTopics, as devices and the server build them;
// ProductTopicTests checks that every one lies in the device's namespace (TopicAcl) and that every topic a device
// publishes has a handler in the server's uplink routes. Direction is the device's: it publishes or subscribes.
using Thingyard.Common;
using Thingyard.Protocol.Topics;
using Thingyard.Protocol.Tsl;
using Thingyard.Registry;
using Thingyard.ThingModels;
using Thingyard.Topics;

namespace Thingyard.Server.Registry;

public enum TopicDirection { Publish, Subscribe }

public sealed record ProductTopic(string Category, string Topic, TopicDirection Direction, string Description);

public static class ProductTopics
{
    /// <summary>The placeholder shown for the device name, as the platform's console writes it.</summary>
    public const string DeviceName = "${deviceName}";

    /// <summary>The product's topics with the events and services devices are held to: the latest published thing model,
    /// or the draft while nothing is published (as the message path's ModelCache does). Published tells which.</summary>
    public static async Task<(List<ProductTopic> Topics, bool Published)> OfAsync(Product product, IReadOnlyList<ProductTopicClass> classes, ThingModelStore models,
        CancellationToken ct = default)
    {
        var versions = await models.VersionsAsync(product, ct);
        var model = versions.Count > 0 ? await models.PublishedAsync(product, "", null, ct) : await models.DraftAsync(product, "", ct);
        return (For(product.ProductKey, product.NodeType == 1, model, classes: classes), versions.Count > 0);
    }

    /// <summary>The topics; <paramref name="classes"/> are the product's topic classes (null: the three every product
    /// starts with).</summary>
    public static List<ProductTopic> For(string productKey, bool gateway, ThingModel model, string deviceName = DeviceName,
        IReadOnlyList<ProductTopicClass>? classes = null)
    {
        var (pk, dn) = (productKey, deviceName);
        var list = new List<ProductTopic>();
        void Up(string category, string topic, string what, bool replied = true)
        {
            list.Add(new(category, topic, TopicDirection.Publish, what));
            if (replied) list.Add(new(category, AlinkTopics.Reply(topic), TopicDirection.Subscribe, "the platform's reply"));
        }
        void Down(string category, string topic, string what, bool replied = true)
        {
            list.Add(new(category, topic, TopicDirection.Subscribe, what));
            if (replied) list.Add(new(category, AlinkTopics.Reply(topic), TopicDirection.Publish, "the device's reply"));
        }

        const string thing = "Thing model";
        Up(thing, AlinkTopics.PropertyPost(pk, dn), "report properties");
        Up(thing, AlinkTopics.Sys(pk, dn, "thing/event/property/batch/post"), "report properties and events in a batch");
        Down(thing, AlinkTopics.PropertySet(pk, dn), "set properties");
        foreach (var e in model.Events) Up(thing, AlinkTopics.EventPost(pk, dn, e.Identifier), $"event {e.Identifier} ({e.Name}, {e.Type})");
        foreach (var s in model.Services)
            Down(thing, AlinkTopics.Service(pk, dn, s.Identifier), $"service {s.Identifier} ({s.Name}, {s.CallType}){(s.CallType == TslService.Sync ? "; sync calls also arrive over RRPC" : "")}");

        const string shadow = "Device shadow";
        list.Add(new(shadow, Shadow("update", pk, dn), TopicDirection.Publish, "report state, get or delete the shadow"));
        list.Add(new(shadow, Shadow("get", pk, dn), TopicDirection.Subscribe, "the shadow's replies and desired-state pushes"));

        const string config = "Remote configuration";
        Up(config, AlinkTopics.Sys(pk, dn, "thing/config/get"), "ask for the product's configuration file");
        Down(config, AlinkTopics.Sys(pk, dn, "thing/config/push"), "configuration pushed by the platform");

        const string tags = "Device tags";
        Up(tags, AlinkTopics.Sys(pk, dn, "thing/deviceinfo/update"), "add or change device tags");
        Up(tags, AlinkTopics.Sys(pk, dn, "thing/deviceinfo/delete"), "delete device tags");

        const string ntp = "NTP";
        list.Add(new(ntp, $"/ext/ntp/{pk}/{dn}/request", TopicDirection.Publish, "ask for the server's time"));
        list.Add(new(ntp, $"/ext/ntp/{pk}/{dn}/response", TopicDirection.Subscribe, "the server's time"));

        const string rrpc = "RRPC";
        list.Add(new(rrpc, AlinkTopics.RrpcRequest(pk, dn, "+"), TopicDirection.Subscribe, "synchronous calls (RRpc)"));
        list.Add(new(rrpc, AlinkTopics.RrpcResponse(pk, dn, "${messageId}"), TopicDirection.Publish, "the device's answer"));

        if (gateway)
        {
            const string gw = "Gateway";
            Up(gw, AlinkTopics.Sys(pk, dn, "thing/topo/add"), "add sub-devices to the topology");
            Up(gw, AlinkTopics.Sys(pk, dn, "thing/topo/delete"), "remove sub-devices from the topology");
            Up(gw, AlinkTopics.Sys(pk, dn, "thing/topo/get"), "read the topology");
            Up(gw, AlinkTopics.Sys(pk, dn, "thing/sub/register"), "register sub-devices dynamically");
            Up(gw, $"/ext/session/{pk}/{dn}/combine/login", "log a sub-device in");
            Up(gw, $"/ext/session/{pk}/{dn}/combine/batch_login", "log sub-devices in");
            Up(gw, $"/ext/session/{pk}/{dn}/combine/logout", "log a sub-device out");
            Up(gw, $"/ext/session/{pk}/{dn}/combine/batch_logout", "log sub-devices out");
        }

        const string user = "User topics";
        foreach (var c in classes ?? [.. TopicClasses.Defaults(0, 0)])
        {
            // What the broker lets a device do on the class (its operation): publish, subscribe, or both.
            var what = c.Description ?? (c.IsDefault ? DefaultUse.GetValueOrDefault(c.ShortName, "a default topic class") : "a custom topic class");
            if (c.Operation != TopicOperation.Sub) list.Add(new(user, User(pk, dn, c.ShortName), TopicDirection.Publish, what));
            if (c.Operation != TopicOperation.Pub) list.Add(new(user, User(pk, dn, c.ShortName), TopicDirection.Subscribe, what));
        }
        return list;
    }

    /// <summary>What the default classes (TopicClassNames.Defaults) are for, shown while a class has no description.</summary>
    static readonly Dictionary<string, string> DefaultUse = new()
    {
        ["update"] = "the device's own messages",
        ["update/error"] = "the device's own error messages",
        ["get"] = "messages for the device (Pub)",
    };

    static string Shadow(string which, string pk, string dn) => $"/shadow/{which}/{pk}/{dn}";

    static string User(string pk, string dn, string suffix) => $"/{pk}/{dn}/user/{suffix}";
}
