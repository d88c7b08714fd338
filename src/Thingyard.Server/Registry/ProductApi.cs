// REST endpoints for products, product tags and the product's certified module, and the module catalogue.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Rest;
using Thingyard.ThingModels;
using Thingyard.Topics;

namespace Thingyard.Server.Registry;

public static class ProductApi
{
    public static RouteGroupBuilder MapProductApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{productKey}", Get);
        group.MapPatch("/{productKey}", Update);
        group.MapDelete("/{productKey}", Delete);
        group.MapGet("/{productKey}/tags", ListTags);
        group.MapPut("/{productKey}/tags", SaveTags);
        group.MapGet("/{productKey}/topics", Topics);
        group.MapPut("/{productKey}/module", SetModule);
        return group;
    }

    /// <summary>GET /api/v1/modules: the certified modules and chips, ?netType= keeps one network type.</summary>
    public static RouteGroupBuilder MapModuleApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", (string? netType) => TypedResults.Ok(CertifiedModules.List(netType).Select(ModuleDto.Of).ToList()));
        return group;
    }

    static async Task<Ok<ProductDto>> SetModule(HttpContext http, ProductRegistry products, string productKey, SetModuleRequest body)
    {
        var p = await products.SetModuleAsync(RestAuthFilter.CallerOf(http), productKey, body.ModuleId, http.RequestAborted);
        return TypedResults.Ok(ProductDto.Of(RestAuthFilter.CallerOf(http), p, await products.DeviceCountAsync(p, http.RequestAborted)));
    }

    /// <summary>The caller's products, newest first; ?name= keeps those whose name contains it (ignoring case), ?projectId=
    /// those of one project.</summary>
    static async Task<Ok<PageDto<ProductDto>>> List(HttpContext http, ProductRegistry products, int? page, int? pageSize, string? name, string? projectId)
    {
        var result = await products.ListAsync(RestAuthFilter.CallerOf(http), Paging.Of(page, pageSize, 20), name, projectId, http.RequestAborted);
        return TypedResults.Ok(new PageDto<ProductDto>(result.Items.Select(i => ProductDto.Of(RestAuthFilter.CallerOf(http), i.Product, i.DeviceCount)).ToList(),
            result.Total, result.Paging.Page, result.Paging.PageSize));
    }

    static async Task<Created<ProductDto>> Create(HttpContext http, ProductRegistry products, CreateProductRequest body)
    {
        var p = await products.CreateAsync(RestAuthFilter.CallerOf(http), new NewProduct(body.Name, body.NodeType, body.DataFormat,
            body.AuthType, body.Description, body.NetType, CategoryKey: body.CategoryKey, DynamicRegistration: body.DynamicRegistration,
            ProjectId: body.ProjectId), http.RequestAborted);
        return TypedResults.Created($"/api/v1/products/{p.ProductKey}", ProductDto.Of(RestAuthFilter.CallerOf(http), p, 0));
    }

    static async Task<Ok<ProductDto>> Get(HttpContext http, ProductRegistry products, string productKey)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.Ok(ProductDto.Of(RestAuthFilter.CallerOf(http), p, await products.DeviceCountAsync(p, http.RequestAborted)));
    }

    static async Task<Ok<ProductDto>> Update(HttpContext http, ProductRegistry products, string productKey, UpdateProductRequest body)
    {
        var p = await products.UpdateAsync(RestAuthFilter.CallerOf(http), productKey,
            new ProductChanges(body.Name, body.Description, body.DynamicRegistration), http.RequestAborted);
        return TypedResults.Ok(ProductDto.Of(RestAuthFilter.CallerOf(http), p));
    }

    static async Task<NoContent> Delete(HttpContext http, ProductRegistry products, string productKey)
    {
        await products.DeleteAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<List<TagDto>>> ListTags(HttpContext http, ProductRegistry products, ProductTags tags, string productKey)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        return TypedResults.Ok((await tags.ListAsync(p, http.RequestAborted)).Select(t => new TagDto(t.Key, t.Value)).ToList());
    }

    static async Task<Results<Ok<List<TagDto>>, ProblemHttpResult>> SaveTags(HttpContext http, ProductRegistry products, ProductTags tags, string productKey, List<TagDto> body)
    {
        var p = await products.GetAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        var invalid = await tags.SaveAsync(p, body.Select(t => KeyValuePair.Create(t.Key, t.Value)).ToList(), http.RequestAborted);
        if (invalid.Count > 0)
            return TypedResults.Problem(statusCode: 400, title: IotErrors.InvalidTag,
                detail: "These tags were refused (key: 1-30 letters, digits, _ . -; value: 1-128 characters): " + string.Join(", ", invalid.Select(t => t.Key)));
        return TypedResults.Ok((await tags.ListAsync(p, http.RequestAborted)).Select(t => new TagDto(t.Key, t.Value)).ToList());
    }

    /// <summary>The topics the product's devices publish and subscribe to, ${deviceName} standing for the device.</summary>
    static async Task<Ok<ProductTopicsDto>> Topics(HttpContext http, TopicClasses topicClasses, ThingModelStore models, string productKey)
    {
        var (p, classes) = await topicClasses.ListAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted);
        var (topics, published) = await ProductTopics.OfAsync(p, classes, models, http.RequestAborted);
        return TypedResults.Ok(new ProductTopicsDto(published ? "published" : "draft",
            topics.Select(t => new TopicDto(t.Category, t.Topic, t.Direction == TopicDirection.Publish ? "publish" : "subscribe", t.Description)).ToList()));
    }
}
