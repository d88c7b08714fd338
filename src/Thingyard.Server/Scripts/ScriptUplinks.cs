// Device messages that go through the product's data parsing script (Alibaba's custom-format products):
//   /sys/{pk}/{dn}/thing/model/up_raw          bytes -> rawDataToProtocol -> an Alink message handled exactly as if it
//                                              had come on its Alink topic (thing.event.property.post on
//                                              .../thing/event/property/post, ...); the platform's reply goes back
//                                              through protocolToRawData on .../thing/model/up_raw_reply
//   /sys/{pk}/{dn}/thing/model/down_raw_reply  bytes -> rawDataToProtocol -> the reply to a property set or service
//                                              call sent on down_raw (ThingCommands)
//   /{pk}/{dn}/user/...                        custom topics: transformPayload, kept on Uplink.TransformedPayload for
//                                              the consumer groups and rules
// A script that fails, is missing or returns no Alink message drops that message only (ScriptRunner logs and counts it).
using System.Buffers;
using System.Text;
using Thingyard.Scripts;
using Thingyard.Server.Connectivity;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.Scripts;

public sealed class ScriptUplinks(ScriptRunner scripts, Downlink downlink, IServiceProvider services, ILogger<ScriptUplinks> log)
{
    public static void Routes(UplinkRoutes routes, IServiceProvider services)
    {
        var s = services.GetRequiredService<ScriptUplinks>();
        routes.Add("/sys/+/+/thing/model/up_raw", UplinkPayload.Raw, u => s.RawAsync(u, reply: false))
            .Add("/sys/+/+/thing/model/down_raw_reply", UplinkPayload.Raw, u => s.RawAsync(u, reply: true))
            .Add("/+/+/user/#", UplinkPayload.Raw, s.CustomTopicAsync);
    }

    async Task RawAsync(Uplink u, bool reply)
    {
        var product = await scripts.ForProductAsync(u.Device.ProductId);
        if (product.Script is not { Decodes: true } script)
        {
            scripts.Failed(u.Device.ProductId, u.Device.DeviceName, ScriptSandbox.Decode, new ScriptFailure(ScriptFailureKind.Missing,
                $"a message came on {u.Topic} but the product has no submitted script with {ScriptSandbox.Decode}"));
            return;
        }
        if (scripts.Decode(u.Device, script, u.Payload) is not { } json) return;
        var bytes = Encoding.UTF8.GetBytes(json);
        var request = AlinkRequest.TryParse(new ReadOnlySequence<byte>(bytes), out var error);
        if (request is null) { Shape(u, $"{ScriptSandbox.Decode} returned no Alink message: {error}"); return; }
        // The router disposes the outer request; the inner uplink shares it.
        u.Request = request;
        var isReply = reply || (request.Method is null && request.Root.TryGetProperty("code", out _));
        var method = request.Method ?? (isReply ? "thing.service.property.set" : null);
        if (method is null || !method.StartsWith("thing.", StringComparison.Ordinal) || method.AsSpan().IndexOfAny("/+#") >= 0)
        {
            Shape(u, $"{ScriptSandbox.Decode} returned method '{method}'; a thing-model method (thing.event.property.post, ...) is needed");
            return;
        }
        var topic = $"/sys/{u.Device.ProductKey}/{u.Device.DeviceName}/{method.Replace('.', '/')}{(isReply ? "_reply" : "")}";
        var levels = topic.Split('/');
        var route = services.GetRequiredService<UplinkRoutes>().Match(levels);
        if (route is null || route.Payload != UplinkPayload.Alink)
        {
            Shape(u, $"{ScriptSandbox.Decode} returned method '{method}', which is not a thing-model message a device sends");
            return;
        }
        var inner = new Uplink(u.Session, u.Device, topic, levels, new ReadOnlySequence<byte>(bytes), u.Qos, u.NowMs)
        {
            Request = request,
            ReplySink = isReply ? null : alink => ReplyRaw(u, script, alink),
        };
        if (route.ArgLevel >= 0) inner.RouteArg = levels[route.ArgLevel];
        await route.Handler(inner);
        u.Entries.AddRange(inner.Entries);
    }

    /// <summary>The platform's Alink reply, encoded by the script, on up_raw_reply.</summary>
    void ReplyRaw(Uplink u, CompiledScript script, byte[] alink)
    {
        if (!script.Encodes)
        {
            scripts.Failed(u.Device.ProductId, u.Device.DeviceName, ScriptSandbox.Encode,
                new ScriptFailure(ScriptFailureKind.Missing, $"the reply to {u.Topic} needs {ScriptSandbox.Encode}"));
            return;
        }
        if (scripts.Encode(u.Device, script, Encoding.UTF8.GetString(alink)) is { } raw)
            downlink.Send(u.Session, u.Device.DeviceId, u.Topic + "_reply", raw);
    }

    async Task CustomTopicAsync(Uplink u)
    {
        var product = await scripts.ForProductAsync(u.Device.ProductId);
        if (product.Script is { Transforms: true } script) u.TransformedPayload = scripts.Transform(u.Device, script, u.Topic, u.Payload);
    }

    void Shape(Uplink u, string message)
    {
        scripts.Failed(u.Device.ProductId, u.Device.DeviceName, ScriptSandbox.Decode, new ScriptFailure(ScriptFailureKind.Shape, message));
        log.LogDebug("Dropped {Topic} from {Device}", u.Topic, u.Device);
    }
}
