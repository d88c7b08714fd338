// How a product's configuration file reaches devices: the Alink data both thing.config.get_reply and thing.config.push
// carry (configId, configSize, sign, signMethod, url, getType), pushes to the product's connected devices, and the
// download behind the url: signed, valid an hour, fetchable without credentials like the platform's OSS links.
using System.Text;
using System.Text.Json;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.RemoteConfig;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Hosting;
using Thingyard.Protocol.Alink;

namespace Thingyard.Server.RemoteConfig;

public sealed class ConfigDelivery(SignedLinks links, PublicUrls urls, DeviceSessions sessions, Downlink downlink, IClusterSessions cluster)
{
    public static readonly TimeSpan LinkValidity = TimeSpan.FromHours(1);
    public const string PushMethod = "thing.config.push";

    public string Url(ProductConfigFile file) =>
        $"{urls.HttpBase}/config-files/{file.ConfigId}?{links.Query(Resource(file.ConfigId), LinkValidity)}";

    /// <summary>Writes the Alink data for <paramref name="file"/>; its link is signed once, however many messages carry it.</summary>
    public Action<Utf8JsonWriter> Data(ProductConfigFile file)
    {
        var url = Url(file);
        return w =>
        {
            w.WriteStartObject();
            w.WriteString("configId", file.ConfigId);
            w.WriteNumber("configSize", file.Size);
            w.WriteString("sign", file.Sha256);
            w.WriteString("signMethod", "Sha256");
            w.WriteString("url", url);
            w.WriteString("getType", "file");
            w.WriteEndObject();
        };
    }

    /// <summary>Pushes the product's current file (Push); a product without one is refused.</summary>
    public async Task<(ProductConfigFile File, int Devices)> PushCurrentAsync(Caller caller, Product product, RemoteConfigs configs, CancellationToken ct = default)
    {
        caller.Require(Need.Change);
        var file = await configs.CurrentAsync(product.Id, ct)
            ?? throw new IotException(IotErrors.ConfigNotFound, $"Product {product.ProductKey} has no configuration file to push.");
        return (file, Push(caller, product, file) + await cluster.PushConfigAsync(product.Id, product.ProductKey, file));
    }

    /// <summary>Sends thing.config.push to every connected device of the product (directly or through its gateway)
    /// that subscribed to its push topic; returns how many got it. The caller's role must allow changes.</summary>
    public int Push(Caller caller, Product product, ProductConfigFile file)
    {
        caller.Require(Need.Change);
        return PushHere(product.Id, product.ProductKey, file);
    }

    /// <summary>Push to the product's devices connected to this node (another node of a cluster asks for its part).</summary>
    public int PushHere(long productId, string productKey, ProductConfigFile file)
    {
        var product = (Id: productId, ProductKey: productKey);
        var data = Data(file);
        var sent = 0;
        foreach (var session in sessions.All)
        {
            if (session.Device.ProductId == product.Id && Send(session, session.Device.DeviceId, session.Device.DeviceName)) sent++;
            foreach (var sub in session.SubDevices.Values)
                if (sub.ProductId == product.Id && Send(session, sub.DeviceId, sub.DeviceName)) sent++;
        }
        return sent;

        bool Send(DeviceSession session, long deviceId, string deviceName) =>
            downlink.Send(session, deviceId, $"/sys/{product.ProductKey}/{deviceName}/thing/config/push",
                AlinkReply.Request(downlink.NextId(), PushMethod, data));
    }

    public static async Task<IResult> DownloadAsync(string configId, long? expires, string? signature, ConfigDelivery delivery,
        RemoteConfigs configs, CancellationToken ct)
    {
        if (!delivery.Valid(configId, expires, signature))
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Link expired or invalid",
                detail: "Ask again with thing.config.get for a fresh link.");
        var file = await configs.FindAsync(configId, ct);
        return file is null ? Results.NotFound() : Results.File(Encoding.UTF8.GetBytes(file.Content), "application/octet-stream", $"{configId}.config");
    }

    bool Valid(string configId, long? expires, string? signature) => links.Valid(Resource(configId), expires, signature);

    static string Resource(string configId) => "config/" + configId;
}
