// The distribution OpenAPI operations (brief section 10), plus two of this server's own: RetryDeviceDistributeJob and
// RequestDistributeAuthCode (asks a target account for the one-time code a cross-account job needs).
using Thingyard.Distribution;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Distribution;

public static class DistributionRpc
{
    public static RpcActions AddDistributionActions(this RpcActions actions) => actions
        .Add("CreateProductDistributeJob", CreateProductJob)
        .Add("CreateDeviceDistributeJob", CreateDeviceJob)
        .Add("QueryDeviceDistributeJob", QueryJob)
        .Add("ListDeviceDistributeJob", ListJobs)
        .Add("QueryDeviceDistributeDetail", QueryDetail)
        .Add("DeleteDeviceDistributeJob", DeleteJob)
        .Add("RetryDeviceDistributeJob", RetryJob)
        .Add("ListDistributedDevice", ListDevices)
        .Add("ListDistributedProduct", ListProducts)
        .Add("RequestDistributeAuthCode", RequestCode);

    static void CheckSource(RpcCall c)
    {
        if (c.Optional("SourceInstanceId") is { } source && source != c.Service<InstanceDirectory>().SelfId)
            throw RpcGatewayException.Invalid("SourceInstanceId", $"this instance is {c.Service<InstanceDirectory>().SelfId}; call the source instance itself.");
    }

    static async Task<object> CreateProductJob(RpcCall c)
    {
        CheckSource(c);
        var job = await c.Service<DistributionService>().CreateAsync(c.Caller, new NewDistribution("product", c.Required("ProductKey"), [], 0,
            [c.Required("TargetInstanceId")], c.Optional("TargetUid"), c.Optional("TargetAliyunId"), c.Optional("AuthCode")), c.Ct);
        return new { job.JobId };
    }

    static async Task<object> CreateDeviceJob(RpcCall c)
    {
        CheckSource(c);
        var targets = c.Objects("TargetInstanceConfig").Select(o => o.GetValueOrDefault("TargetInstanceId") ?? "").ToList();
        if (c.Optional("TargetInstanceId") is { } single) targets.Add(single);
        var names = c.List("DeviceName");
        if (names.Count == 0) throw RpcGatewayException.Missing("DeviceName.1");
        var job = await c.Service<DistributionService>().CreateAsync(c.Caller, new NewDistribution("device", c.Required("ProductKey"), names,
            c.Int("Strategy") ?? 0, targets, c.Optional("TargetUid"), c.Optional("TargetAliyunId"), c.Optional("AuthCode")), c.Ct);
        return new { job.JobId };
    }

    static object JobInfo(DistributionJob j, InstanceDirectory instances, string sourceUid, bool names) => new
    {
        GmtCreate = j.CreatedAtMs, j.JobId, j.ProductKey, j.SourceInstanceId,
        SourceInstanceName = instances.Self().Name, SourceRegion = instances.Self().RegionId, SourceUid = sourceUid,
        j.Status, j.Strategy, j.TargetUid, j.Total, j.Error,
        TargetInstanceConfigs = new
        {
            targetInstanceConfigs = j.Targets.Select(t => names
                ? (object)new { TargetInstanceId = t, TargetInstanceName = instances.Find(t)?.Name, TargetRegion = instances.Find(t)?.RegionId }
                : new { TargetInstanceId = t }),
        },
    };

    static async Task<object> QueryJob(RpcCall c)
    {
        var job = await c.Service<DistributionJobs>().GetAsync(c.Caller, c.Required("JobId"), c.Ct);
        return new { Data = JobInfo(job, c.Service<InstanceDirectory>(), c.Request.AccountUid, names: false) };
    }

    static async Task<object> ListJobs(RpcCall c)
    {
        var paging = c.Optional("NextToken") is { } token && int.TryParse(token, out var next)
            ? Common.Paging.Of(next, c.Int("PageSize"), 10, 50) : c.Paging(10, 50);
        var (jobs, total) = await c.Service<DistributionJobs>().ListAsync(c.Caller, c.Optional("ProductKey"), c.Int("Status"),
            c.Optional("TargetUid"), c.Optional("JobId"), paging, c.Ct);
        var uid = c.Request.AccountUid;
        var instances = c.Service<InstanceDirectory>();
        return new
        {
            Data = new
            {
                NextToken = paging.Page < paging.PageCount(total) ? (paging.Page + 1).ToString() : null,
                Total = total,
                JobInfo = new { items = jobs.Select(j => JobInfo(j, instances, uid, names: true)) },
            },
        };
    }

    static async Task<object> QueryDetail(RpcCall c)
    {
        var job = await c.Service<DistributionJobs>().GetAsync(c.Caller, c.Required("JobId"), c.Ct);
        var http = c.Service<IHttpContextAccessor>().HttpContext!;
        return new { File = c.Service<ResultLinks>().Link(http.Request, job.JobId) };
    }

    static async Task<object> DeleteJob(RpcCall c)
    {
        await c.Service<DistributionJobs>().DeleteAsync(c.Caller, c.Required("JobId"), c.Ct);
        return new { };
    }

    static async Task<object> RetryJob(RpcCall c)
    {
        var job = await c.Service<DistributionService>().RetryAsync(c.Caller, c.Required("JobId"), c.Ct);
        return new { job.JobId };
    }

    static async Task<object> ListDevices(RpcCall c)
    {
        var (rows, total) = await c.Service<DistributionService>().DistributedDevicesAsync(c.Caller, c.Optional("ProductKey"),
            c.Optional("DeviceName"), c.Optional("TargetUid"), c.Paging(10, 50), c.Ct);
        var instances = c.Service<InstanceDirectory>();
        var self = instances.Self();
        return new
        {
            Data = new
            {
                Total = total,
                Info = new
                {
                    items = rows.Select(r =>
                    {
                        var targets = r.TargetInstanceIds.Split(',').Select(t => (Id: t, Info: instances.Find(t))).ToList();
                        return new
                        {
                            r.DeviceName, GmtCreate = r.GmtCreate, GmtModified = r.GmtModified, r.ProductKey,
                            SourceInstanceId = self.InstanceId, SourceInstanceName = self.Name, SourceRegion = self.RegionId,
                            TargetAliyunId = (string?)null, TargetInstanceId = r.TargetInstanceIds,
                            TargetInstanceName = string.Join(",", targets.Select(t => t.Info?.Name ?? t.Id)),
                            TargetRegion = string.Join(",", targets.Select(t => t.Info?.RegionId ?? "")),
                            r.TargetUid,
                        };
                    }),
                },
            },
        };
    }

    static async Task<object> ListProducts(RpcCall c)
    {
        var (rows, total) = await c.Service<DistributionService>().DistributedProductsAsync(c.Caller, c.Optional("ProductKey"),
            c.Optional("TargetInstanceId"), c.Optional("TargetUid"), c.Paging(10, 50), c.Ct);
        var instances = c.Service<InstanceDirectory>();
        var self = instances.Self();
        return new
        {
            Data = new
            {
                Total = total,
                Info = new
                {
                    items = rows.Select(r => new
                    {
                        GmtCreate = r.GmtCreate, r.ProductKey, SourceInstanceId = self.InstanceId, SourceInstanceName = self.Name, SourceRegion = self.RegionId,
                        TargetAliyunId = (string?)null, r.TargetInstanceId, TargetInstanceName = instances.Find(r.TargetInstanceId)?.Name,
                        TargetRegion = instances.Find(r.TargetInstanceId)?.RegionId, r.TargetUid,
                    }),
                },
            },
        };
    }

    static async Task<object> RequestCode(RpcCall c)
    {
        await c.Service<DistributionService>().RequestCodeAsync(c.Caller, c.Required("TargetInstanceId"), c.Required("TargetUid"), c.Ct);
        return new { };
    }
}
