// REST endpoints for the standard-feature catalogue: the categories, and one category's TSL.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.ThingModels;

namespace Thingyard.Server.ThingModels;

public sealed record ThingTemplateDto(string CategoryKey, string CategoryName);

public static class ThingTemplateApi
{
    public static RouteGroupBuilder MapThingTemplateApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapGet("/{categoryKey}", Get);
        return group;
    }

    static Ok<List<ThingTemplateDto>> List() =>
        TypedResults.Ok(ThingTemplates.All.Select(t => new ThingTemplateDto(t.CategoryKey, t.CategoryName)).ToList());

    /// <summary>The category's standard features as a TSL document (an unknown key is 404 iot.prod.NotExistedCategory).</summary>
    static ContentHttpResult Get(string categoryKey) => TypedResults.Content(ThingTemplates.Get(categoryKey).Tsl, "application/json");
}
