// RPC actions for mass production: AllocateActivationCodes (operator), GetActivationCodeQuota, CreateProductionBatch,
// QueryProductionBatch, QueryProductionBatchList, GetProductionBatchCredentialsUrl. Thingyard's own actions in the
// platform's style.
using Thingyard.Lifecycle;
using Thingyard.Server.Hosting;
using Thingyard.Server.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Lifecycle;

public static class MassProductionRpc
{
    public static RpcActions AddMassProductionActions(this RpcActions actions) => actions
        .Add("AllocateActivationCodes", Allocate)
        .Add("GetActivationCodeQuota", Quota)
        .Add("CreateProductionBatch", Create)
        .Add("QueryProductionBatch", Get)
        .Add("QueryProductionBatchList", List)
        .Add("GetProductionBatchCredentialsUrl", CredentialsUrl);

    static async Task<object> Allocate(RpcCall c)
    {
        var count = c.Long("Count") ?? throw RpcGatewayException.Missing("Count");
        var uid = c.Required("AccountUid");
        var q = await c.Service<ActivationQuotas>().AllocateAsync(c.Caller, uid, count, c.Ct);
        return new { Data = new { AccountUid = uid, q.Allocated, q.Used, q.Remaining } };
    }

    static async Task<object> Quota(RpcCall c)
    {
        var q = await c.Service<ActivationQuotas>().GetAsync(c.Caller, c.Optional("AccountUid"), c.Ct);
        return new { Data = new { q.Allocated, q.Used, q.Remaining } };
    }

    /// <summary>Count, or the names as DeviceName.1..N (line N) or DeviceNamesCsv (a CSV file's text, its own lines).</summary>
    static async Task<object> Create(RpcCall c)
    {
        var listed = c.List("DeviceName");
        var csv = c.Optional("DeviceNamesCsv");
        if (csv is not null && listed.Count > 0) throw RpcGatewayException.Invalid("DeviceNamesCsv", "give the names as DeviceName.N or as DeviceNamesCsv, not both");
        IReadOnlyList<UploadedName>? names = csv is not null ? NameUpload.FromCsv(csv) : listed.Count > 0 ? NameUpload.FromList(listed) : null;
        var batches = c.Service<ProductionBatches>();
        var batch = await batches.CreateAsync(c.Caller, c.Required("ProductKey"), c.Int("Count"), names, c.Actor, c.Ct);
        c.Service<BatchRegistrationWorker>().Enqueue(batch.ApplyId);
        return new { Data = Info(await batches.GetAsync(c.Caller, batch.BatchId, c.Ct)) };
    }

    static async Task<object> Get(RpcCall c) =>
        new { Data = Info(await c.Service<ProductionBatches>().GetAsync(c.Caller, c.Required("BatchId"), c.Ct)) };

    static async Task<object> List(RpcCall c)
    {
        var page = await c.Service<ProductionBatches>().ListAsync(c.Caller, c.Optional("ProductKey"), c.Paging(10, 200), c.Ct);
        return new
        {
            Data = new
            {
                CurrentPage = page.Paging.Page, page.PageCount, PageSize = page.Paging.PageSize, page.Total,
                List = new { BatchInfo = page.Items.Select(Info) },
            },
        };
    }

    static async Task<object> CredentialsUrl(RpcCall c)
    {
        var batch = await c.Service<ProductionBatches>().GetAsync(c.Caller, c.Required("BatchId"), c.Ct);
        var request = c.Service<IHttpContextAccessor>().HttpContext?.Request;
        var baseUrl = request is null ? c.Service<PublicUrls>().HttpBase : $"{request.Scheme}://{request.Host}";
        var (url, expiresAt) = c.Service<ProductionLinks>().Link(baseUrl, batch.Batch.BatchId);
        return new { Data = new { batch.Batch.BatchId, Url = url, ExpiresAt = expiresAt } };
    }

    static object Info(ProductionBatchSummary s) => new
    {
        s.Batch.BatchId, s.ProductKey, s.Batch.Source, s.Batch.Requested, s.Batch.Codes, s.Created, s.Activated, s.Status,
        ApplyId = s.Batch.ApplyId, Rejected = s.Rejected.Select(r => new { r.Line, r.Name, r.Error }), s.Batch.CreatedBy, GmtCreate = s.Batch.CreatedAtMs,
    };

}
