// REST endpoints for a product's thing model: read draft or published TSL, import, publish, list versions.
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Registry;
using Thingyard.Server.Rest;
using Thingyard.ThingModels;

namespace Thingyard.Server.ThingModels;

public sealed record PublishRequest(string? Version, string? Description);

public sealed record VersionDto(string? Version, string? Description, long PublishedAt);

public static class ThingModelApi
{
    public static RouteGroupBuilder MapThingModelApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", Get);
        group.MapPut("/", Import);
        group.MapPost("/publish", Publish);
        group.MapGet("/versions", Versions);
        return group;
    }

    /// <summary>The draft TSL, or the published one with ?published=true (and ?version= for a given version).</summary>
    static async Task<ContentHttpResult> Get(HttpContext http, ProductRegistry products, ThingModelStore store, string productKey, bool? published, string? version)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        var tsl = await store.TslAsync(p, "", published ?? false, version, http.RequestAborted);
        return TypedResults.Content(tsl, "application/json");
    }

    static async Task<ContentHttpResult> Import(HttpContext http, ProductRegistry products, ThingModelStore store, string productKey, JsonElement body)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        await store.ImportAsync(p, "", body.GetRawText(), http.RequestAborted);
        return TypedResults.Content(await store.TslAsync(p, "", false, null, http.RequestAborted), "application/json");
    }

    static async Task<Ok<VersionDto>> Publish(HttpContext http, ProductRegistry products, ThingModelStore store, string productKey, PublishRequest? body)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        var version = await store.PublishAsync(p, body?.Version, body?.Description, http.RequestAborted);
        var published = (await store.VersionsAsync(p, http.RequestAborted)).First(v => v.Version == version);
        return TypedResults.Ok(new VersionDto(version, published.Description, published.CreatedAtMs));
    }

    static async Task<Ok<List<VersionDto>>> Versions(HttpContext http, ProductRegistry products, ThingModelStore store, string productKey)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.Ok((await store.VersionsAsync(p, http.RequestAborted)).Select(v => new VersionDto(v.Version, v.Description, v.CreatedAtMs)).ToList());
    }
}
