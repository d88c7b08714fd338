// REST endpoints for a product's remote configuration: read the current file and kept versions, save a new version,
// push the current one to the product's connected devices.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.RemoteConfig;
using Thingyard.Server.Rest;

namespace Thingyard.Server.RemoteConfig;

public sealed record ConfigFileDto(string ConfigId, int Size, string Sign, string SignMethod, DateTimeOffset CreatedAt, string? Content)
{
    public static ConfigFileDto Of(ProductConfigFile f, bool withContent) =>
        new(f.ConfigId, f.Size, f.Sha256, "Sha256", DateTimeOffset.FromUnixTimeMilliseconds(f.CreatedAtMs), withContent ? f.Content : null);
}

public sealed record ConfigStatusDto(ConfigFileDto? Current, List<ConfigFileDto> Versions);

public sealed record SaveConfigRequest(string Content);

public sealed record ConfigPushDto(string ConfigId, int Devices);

public static class RemoteConfigApi
{
    public static RouteGroupBuilder MapRemoteConfigApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", Get);
        group.MapPut("/", Save);
        group.MapPost("/push", Push);
        return group;
    }

    static async Task<Ok<ConfigStatusDto>> Get(HttpContext http, ProductRegistry products, RemoteConfigs configs, string productKey)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        var versions = await configs.VersionsAsync(p.Id, http.RequestAborted);
        return TypedResults.Ok(new ConfigStatusDto(versions.Count == 0 ? null : ConfigFileDto.Of(versions[0], withContent: true),
            versions.Select(v => ConfigFileDto.Of(v, withContent: false)).ToList()));
    }

    static async Task<Ok<ConfigFileDto>> Save(HttpContext http, ProductRegistry products, RemoteConfigs configs, string productKey, SaveConfigRequest body)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var p = await products.GetAsync(caller, productKey, http.RequestAborted);
        var file = await configs.SaveAsync(caller, p, body.Content ?? "", http.RequestAborted);
        return TypedResults.Ok(ConfigFileDto.Of(file, withContent: false));
    }

    static async Task<Ok<ConfigPushDto>> Push(HttpContext http, ProductRegistry products, RemoteConfigs configs, ConfigDelivery delivery, string productKey)
    {
        var caller = RestAuthFilter.CallerOf(http);
        var p = await products.GetAsync(caller, productKey, http.RequestAborted);
        var (file, devices) = await delivery.PushCurrentAsync(caller, p, configs, http.RequestAborted);
        return TypedResults.Ok(new ConfigPushDto(file.ConfigId, devices));
    }
}
