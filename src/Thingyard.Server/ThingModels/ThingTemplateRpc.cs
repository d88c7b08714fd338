// RPC actions for the standard-feature catalogue: ListThingTemplates and GetThingTemplate (Alibaba's), CopyThingModel
// (Alibaba's), and this server's ImportThingTemplateFeatures, which adds chosen standard features to a draft.
using System.Text.Json;
using Thingyard.Registry;
using Thingyard.Server.Rpc;
using Thingyard.ThingModels;

namespace Thingyard.Server.ThingModels;

static class ThingTemplateRpc
{
    public static Task<object> ListThingTemplates(RpcCall c) => Task.FromResult<object>(new
    {
        Data = ThingTemplates.All.Select(t => new { t.CategoryKey, t.CategoryName }),
    });

    public static Task<object> GetThingTemplate(RpcCall c) => Task.FromResult<object>(new
    {
        Data = new { ThingModelJSON = ThingTemplates.Get(c.Required("CategoryKey")).Tsl },
    });

    /// <summary>Both products are looked up as the caller sees them, so another account's is simply not found.</summary>
    public static async Task<object> CopyThingModel(RpcCall c)
    {
        var (sourceKey, targetKey, version) = (c.Required("SourceProductKey"), c.Required("TargetProductKey"), c.Required("SourceModelVersion"));
        var products = c.Service<ProductRegistry>();
        var source = await products.GetAsync(c.Caller, sourceKey, c.Ct);
        var target = ProductRegistry.Writable(await products.GetAsync(c.Caller, targetKey, c.Ct), c.Caller);
        await c.Service<ThingModelStore>().CopyAsync(source, version, target, c.Ct);
        return new { };
    }

    public static async Task<object> ImportThingTemplateFeatures(RpcCall c)
    {
        var template = ThingTemplates.Get(c.Required("CategoryKey"));
        var identifiers = Identifiers(c);
        var product = ProductRegistry.Writable(await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct), c.Caller);
        await c.Service<ThingModelStore>().AddTemplateFeaturesAsync(product, c.Optional("FunctionBlockId") ?? "", template.Features(identifiers), c.Ct);
        return new { };
    }

    /// <summary>Identifiers as a JSON array (["LightSwitch","Brightness"]), a comma list, or Identifiers.N.</summary>
    static List<string> Identifiers(RpcCall c)
    {
        var listed = c.List("Identifiers");
        if (listed.Count > 0) return listed;
        var raw = c.Optional("Identifiers")?.Trim() ?? throw RpcGatewayException.Missing("Identifiers");
        List<string> ids;
        if (raw.StartsWith('['))
        {
            try
            {
                ids = (JsonSerializer.Deserialize<List<string?>>(raw) ?? []).Where(i => !string.IsNullOrWhiteSpace(i)).Select(i => i!).ToList();
            }
            catch (JsonException)
            {
                throw RpcGatewayException.Invalid("Identifiers", "must be a JSON array of strings or a comma-separated list");
            }
        }
        else
        {
            ids = raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        return ids.Count > 0 ? ids : throw RpcGatewayException.Invalid("Identifiers", "names no feature");
    }
}
