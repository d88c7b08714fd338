// AliGenie actions: a project's skill (the OAuth client Tmall Genie's cloud uses; its secret is answered once, at
// creation) and products' mapping overrides (checked against the product's thing model; the answer shows the
// effective mapping, standard and override together).
using System.Text.Json;
using Thingyard.Access;
using Thingyard.AliGenie;
using Thingyard.Registry;
using Thingyard.Server.Hosting;
using Thingyard.Server.Rpc;
using Thingyard.Server.Things;

namespace Thingyard.Server.AliGenie;

public static class AliGenieRpc
{
    public static RpcActions AddAliGenieActions(this RpcActions actions) => actions
        .Add("CreateAliGenieSkill", CreateSkill)
        .Add("QueryAliGenieSkill", QuerySkill)
        .Add("DeleteAliGenieSkill", DeleteSkill)
        .Add("SetAliGenieMapping", SetMapping)
        .Add("QueryAliGenieMapping", QueryMapping);

    static async Task<object> CreateSkill(RpcCall c)
    {
        var uris = c.List("RedirectUri");
        if (c.Optional("RedirectUri") is { } one) uris.Insert(0, one);
        var skill = await c.Service<AliGenieSkills>().CreateAsync(c.Caller, c.Required("ProjectId"), uris, c.Ct);
        return new { Data = SkillInfo(c, skill) };
    }

    static async Task<object> QuerySkill(RpcCall c) =>
        new { Data = SkillInfo(c, await c.Service<AliGenieSkills>().GetAsync(c.Caller, c.Required("ProjectId"), c.Ct)) };

    static async Task<object> DeleteSkill(RpcCall c)
    {
        await c.Service<AliGenieSkills>().DeleteAsync(c.Caller, c.Required("ProjectId"), c.Ct);
        return new { };
    }

    static async Task<object> SetMapping(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var model = await c.Service<ModelCache>().GetAsync(product.Id);
        var over = await c.Service<AliGenieMappings>().SetAsync(c.Caller, product, c.Optional("Mapping"), model, c.Ct);
        return new { Data = MappingInfo(product, over is null ? null : c.Optional("Mapping"), AliGenieMappingRules.Effective(product.CategoryKey, model, over)) };
    }

    static async Task<object> QueryMapping(RpcCall c)
    {
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        var model = await c.Service<ModelCache>().GetAsync(product.Id);
        var json = await c.Service<AliGenieMappings>().JsonOfAsync(product, c.Ct);
        AliGenieMappingRules.Override? over = null;
        string? problem = null;
        try { over = json is null ? null : AliGenieMappingRules.Parse(json, model); }
        catch (Thingyard.Common.IotException e) { problem = e.Message; }
        return new { Data = MappingInfo(product, json, AliGenieMappingRules.Effective(product.CategoryKey, model, over), problem) };
    }

    static object SkillInfo(RpcCall c, AliGenieSkill skill)
    {
        var baseUrl = c.Service<PublicUrls>().HttpBase;
        return new
        {
            skill.ProjectId, skill.ClientId, skill.ClientSecret, RedirectUris = skill.RedirectUris,
            AuthorizeUrl = baseUrl + AliGenieOAuth.AuthorizePath, TokenUrl = baseUrl + AliGenieOAuth.TokenPath, GatewayUrl = baseUrl + AliGenieGateway.Path,
        };
    }

    static object MappingInfo(Product product, string? overrideJson, AliGenieProfile? profile, string? problem = null) => new
    {
        product.ProductKey, product.CategoryKey, Override = overrideJson, OverrideProblem = problem,
        Effective = profile is null ? null : new
        {
            profile.DeviceType, profile.Icon,
            Attributes = profile.Attributes.Select(a => new
            {
                Name = a.Key, a.Value.Property, a.Value.QueryOnly,
                Values = a.Value.Values?.ToDictionary(v => v.Key, v => (object)v.Value),
            }),
            Actions = profile.Actions(),
        },
    };
}
