// RPC actions for thing models: edit the draft, import, publish, and read TSL or ThingModelJson back; the thing
// templates and CopyThingModel are in ThingTemplateRpc.
using System.Text.Json.Nodes;
using Thingyard.Registry;
using Thingyard.Server.Rpc;
using Thingyard.ThingModels;

namespace Thingyard.Server.ThingModels;

public static class ThingModelRpc
{
    public static RpcActions AddThingModelActions(this RpcActions actions) => actions
        .Add("CreateThingModel", CreateThingModel)
        .Add("UpdateThingModel", UpdateThingModel)
        .Add("DeleteThingModel", DeleteThingModel)
        .Add("ImportThingModelTsl", ImportThingModelTsl)
        .Add("PublishThingModel", PublishThingModel)
        .Add("GetThingModelTsl", c => GetTsl(c, published: false))
        .Add("GetThingModelTslPublished", c => GetTsl(c, published: true))
        .Add("QueryThingModel", c => QueryThingModel(c, published: false))
        .Add("QueryThingModelPublished", c => QueryThingModel(c, published: true))
        .Add("ListThingModelVersion", ListThingModelVersion)
        .Add("CopyThingModel", ThingTemplateRpc.CopyThingModel)
        .Add("ListThingTemplates", ThingTemplateRpc.ListThingTemplates)
        .Add("GetThingTemplate", ThingTemplateRpc.GetThingTemplate)
        .Add("ImportThingTemplateFeatures", ThingTemplateRpc.ImportThingTemplateFeatures);

    static Task<Product> ProductOf(RpcCall c) => c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);

    /// <summary>The product, when the caller may change it (a granted project's role, a distributed copy).</summary>
    static async Task<Product> WritableProductOf(RpcCall c) => ProductRegistry.Writable(await ProductOf(c), c.Caller);

    static string Module(RpcCall c) => c.Optional("FunctionBlockId") ?? "";

    /// <summary>Devices are checked against the new model from their next message on.</summary>

    static async Task<object> CreateThingModel(RpcCall c)
    {
        var product = await WritableProductOf(c);
        await c.Service<ThingModelStore>().AddFeaturesAsync(product, Module(c), c.Optional("FunctionBlockName"), c.Required("ThingModelJson"), c.Ct);
        return new { };
    }

    static async Task<object> UpdateThingModel(RpcCall c)
    {
        var product = await WritableProductOf(c);
        await c.Service<ThingModelStore>().ReplaceFeatureAsync(product, Module(c), c.Required("Identifier"), c.Required("ThingModelJson"), c.Ct);
        return new { };
    }

    static async Task<object> DeleteThingModel(RpcCall c)
    {
        var product = await WritableProductOf(c);
        var ids = c.List("PropertyIdentifier").Concat(c.List("ServiceIdentifier")).Concat(c.List("EventIdentifier")).ToList();
        if (ids.Count == 0) throw RpcGatewayException.Missing("PropertyIdentifier.1");
        await c.Service<ThingModelStore>().RemoveFeaturesAsync(product, Module(c), ids, c.Ct);
        return new { };
    }

    static async Task<object> ImportThingModelTsl(RpcCall c)
    {
        var product = await WritableProductOf(c);
        var tsl = c.Optional("TslStr") ?? throw (c.Optional("TslUrl") is null
            ? RpcGatewayException.Missing("TslStr")
            : RpcGatewayException.Invalid("TslUrl", "this server does not fetch TSL from URLs; send the document as TslStr."));
        await c.Service<ThingModelStore>().ImportAsync(product, Module(c), tsl, c.Ct);
        return new { };
    }

    static async Task<object> PublishThingModel(RpcCall c)
    {
        var product = await WritableProductOf(c);
        await c.Service<ThingModelStore>().PublishAsync(product, c.Optional("ModelVersion"), c.Optional("Description"), c.Ct);
        return new { };
    }

    static async Task<object> GetTsl(RpcCall c, bool published)
    {
        var product = await ProductOf(c);
        var tsl = await c.Service<ThingModelStore>().TslAsync(product, Module(c), published, c.Optional("ModelVersion"), c.Ct);
        return new { Data = new { TslStr = tsl, TslUri = (string?)null } };
    }

    /// <summary>ThingModelJson is the API form: TSL features under productKey and _ppk (version, description).</summary>
    static async Task<object> QueryThingModel(RpcCall c, bool published)
    {
        var product = await ProductOf(c);
        var store = c.Service<ThingModelStore>();
        var version = c.Optional("ModelVersion");
        var tsl = JsonNode.Parse(await store.TslAsync(product, Module(c), published, version, c.Ct))!.AsObject();
        var model = new JsonObject
        {
            ["_ppk"] = new JsonObject { ["version"] = version ?? (published ? "latest" : "draft") },
            ["events"] = tsl["events"]?.DeepClone(),
            ["productKey"] = product.ProductKey,
            ["properties"] = tsl["properties"]?.DeepClone(),
            ["services"] = tsl["services"]?.DeepClone(),
        };
        return new { ProductKey = product.ProductKey, Data = new { ThingModelJson = model.ToJsonString() } };
    }

    static async Task<object> ListThingModelVersion(RpcCall c)
    {
        var product = await ProductOf(c);
        var versions = await c.Service<ThingModelStore>().VersionsAsync(product, c.Ct);
        return new
        {
            Data = new
            {
                ModelVersions = versions.Select(v => new { v.Description, GmtCreate = v.CreatedAtMs, ModelVersion = v.Version }),
            },
        };
    }
}

public static class ThingModelsSetup
{
    public static IServiceCollection AddThingModels(this IServiceCollection services) =>
        services.AddScoped<ThingModelStore>().AddSingleton<ThingModelChanges>();
}
