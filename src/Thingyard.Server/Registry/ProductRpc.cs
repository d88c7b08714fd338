// RPC actions for products: CreateProduct, UpdateProduct, QueryProduct, QueryProductList, DeleteProduct, and the
// certified modules (ListCertifiedModules, SetProductModule).
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Projects;
using Thingyard.Registry;
using Thingyard.Server.Rpc;
using Thingyard.ThingModels;

namespace Thingyard.Server.Registry;

public static class ProductRpc
{
    public static RpcActions AddProductActions(this RpcActions actions) => actions
        .Add("CreateProduct", CreateProduct)
        .Add("UpdateProduct", UpdateProduct)
        .Add("QueryProduct", QueryProduct)
        .Add("QueryProductList", QueryProductList)
        .Add("DeleteProduct", DeleteProduct)
        .Add("ListCertifiedModules", ListCertifiedModules)
        .Add("SetProductModule", SetProductModule);

    static async Task<object> CreateProduct(RpcCall c)
    {
        var authType = c.Optional("AuthType") ?? (c.Bool("Id2") == true ? "id2" : "secret");
        var p = await c.Service<ProductRegistry>().CreateAsync(c.Caller, new NewProduct(
            c.Required("ProductName"), c.Int("NodeType") ?? throw RpcGatewayException.Missing("NodeType"),
            c.Int("DataFormat") ?? 1, authType, c.Optional("Description"), c.Optional("NetType") ?? "WIFI",
            c.Optional("ProtocolType"), c.Optional("CategoryKey"), c.Bool("DynamicRegistration") ?? false, c.Optional("ProjectId")), c.Ct);
        return new
        {
            p.ProductKey,
            Data = new
            {
                AliyunCommodityCode = "iothub_senior", p.AuthType, p.DataFormat, p.Description, Id2 = p.AuthType == "id2",
                p.NodeType, p.ProductKey, ProductName = p.Name, p.ProductSecret, p.ProtocolType,
            },
        };
    }

    static async Task<object> UpdateProduct(RpcCall c)
    {
        await c.Service<ProductRegistry>().UpdateAsync(c.Caller, c.Required("ProductKey"),
            new ProductChanges(c.Optional("ProductName"), c.Optional("Description"), c.Bool("DynamicRegistration")), c.Ct);
        return new { };
    }

    static async Task<object> QueryProduct(RpcCall c)
    {
        var registry = c.Service<ProductRegistry>();
        var p = await registry.GetAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new
        {
            Data = new
            {
                AliyunCommodityCode = "iothub_senior", p.AuthType, p.CategoryKey, p.DataFormat, p.Description,
                DeviceCount = await registry.DeviceCountAsync(p, c.Ct), GmtCreate = p.CreatedAtMs, Id2 = p.AuthType == "id2",
                NetType = NetTypeNumber(p.NetType), p.NodeType, Owner = c.Caller.SeesSecretsOf(p), p.ProductKey, ProductName = p.Name,
                ProductSecret = c.Caller.SecretFor(p, p.ProductSecret),
                p.ProductStatus, p.ProtocolType, ValidateType = 1, DynamicRegistration = p.DynamicRegistration,
                ProjectId = await c.Service<ProjectRegistry>().PublicIdAsync(p, c.Ct), p.ReleaseState,
                // Null values are left out of the answer: both appear only once set.
                CategoryName = ThingTemplates.Find(p.CategoryKey)?.CategoryName, p.ModuleId,
            },
        };
    }

    static async Task<object> QueryProductList(RpcCall c)
    {
        // ProductName is this server's own filter (the platform's action has none): names containing it, ignoring case.
        var page = await c.Service<ProductRegistry>().ListAsync(c.Caller, c.Paging(10, 200), c.Optional("ProductName"), c.Optional("ProjectId"), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new
                {
                    ProductInfo = page.Items.Select(i => new
                    {
                        i.Product.AuthType, i.Product.DataFormat, i.Product.Description, i.DeviceCount,
                        GmtCreate = i.Product.CreatedAtMs, i.Product.NodeType, i.Product.ProductKey, ProductName = i.Product.Name,
                    }),
                },
            },
        };
    }

    static async Task<object> DeleteProduct(RpcCall c)
    {
        await c.Service<ProductRegistry>().DeleteAsync(c.Caller, c.Required("ProductKey"), c.Ct);
        return new { };
    }

    /// <summary>This server's own: the certified modules and chips, optionally of one NetType (WIFI, CELLULAR, NB-IoT).</summary>
    static Task<object> ListCertifiedModules(RpcCall c) => Task.FromResult<object>(new
    {
        Data = CertifiedModules.List(c.Optional("NetType")).Select(m => new { m.ModuleId, m.Vendor, m.Model, m.NetType, m.Sdk }),
    });

    /// <summary>This server's own: records the product's certified module (QueryProduct then reports its ModuleId).</summary>
    static async Task<object> SetProductModule(RpcCall c)
    {
        await c.Service<ProductRegistry>().SetModuleAsync(c.Caller, c.Required("ProductKey"), c.Required("ModuleId"), c.Ct);
        return new { };
    }

    /// <summary>QueryProduct reports NetType as a number (the SDK model says so): 3 WIFI, 6 CELLULAR, 7 ETHERNET, 8 OTHER, 9 LORA.</summary>
    static int NetTypeNumber(string netType) => netType switch
    {
        "CELLULAR" => 6, "ETHERNET" => 7, "OTHER" => 8, "LORA" => 9, _ => 3,
    };
}
