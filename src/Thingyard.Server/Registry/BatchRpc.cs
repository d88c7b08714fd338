// RPC actions for batch registration jobs (ApplyId): check names, create, follow status, page the results.
using Thingyard.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Registry;

public static class BatchRpc
{
    public static RpcActions AddBatchActions(this RpcActions actions) => actions
        .Add("BatchCheckDeviceNames", BatchCheckDeviceNames)
        .Add("BatchRegisterDevice", BatchRegisterDevice)
        .Add("BatchRegisterDeviceWithApplyId", BatchRegisterDeviceWithApplyId)
        .Add("QueryBatchRegisterDeviceStatus", QueryBatchRegisterDeviceStatus)
        .Add("QueryPageByApplyId", QueryPageByApplyId);

    static async Task<object> BatchCheckDeviceNames(RpcCall c)
    {
        var names = c.List("DeviceName");
        names.AddRange(c.Objects("DeviceNameList").Select(o => o.GetValueOrDefault("DeviceName") ?? ""));
        var job = await c.Service<BatchRegistrar>().CheckNamesAsync(c.Caller, c.Required("ProductKey"), names, c.Ct);
        var (_, invalid) = BatchRegistrar.Lists(job);
        return new { Data = new { ApplyId = job.Id, InvalidDeviceNameList = invalid.Count > 0 ? new { InvalidDeviceName = invalid } : null } };
    }

    static async Task<object> BatchRegisterDevice(RpcCall c)
    {
        var count = c.Int("Count") ?? throw RpcGatewayException.Missing("Count");
        var job = await c.Service<BatchRegistrar>().GenerateAsync(c.Caller, c.Required("ProductKey"), count, c.Ct);
        c.Service<BatchRegistrationWorker>().Enqueue(job.Id);
        return new { Data = new { ApplyId = job.Id } };
    }

    static async Task<object> BatchRegisterDeviceWithApplyId(RpcCall c)
    {
        var applyId = c.Long("ApplyId") ?? throw RpcGatewayException.Missing("ApplyId");
        var job = await c.Service<BatchRegistrar>().StartAsync(c.Caller, c.Required("ProductKey"), applyId, c.Ct);
        c.Service<BatchRegistrationWorker>().Enqueue(job.Id);
        return new { Data = new { ApplyId = job.Id } };
    }

    static async Task<object> QueryBatchRegisterDeviceStatus(RpcCall c)
    {
        var applyId = c.Long("ApplyId") ?? throw RpcGatewayException.Missing("ApplyId");
        var job = await c.Service<BatchRegistrar>().GetAsync(c.Caller, applyId, c.Ct);
        if (c.Optional("ProductKey") is { } pk && pk != job.ProductKey)
            throw new Common.IotException(Common.IotErrors.ApplyNotFound, $"ApplyId {applyId} does not belong to product '{pk}'.");
        var (valid, invalid) = BatchRegistrar.Lists(job);
        return new { Data = new { job.Status, ValidList = new { Name = valid }, InvalidList = new { Name = invalid } } };
    }

    static async Task<object> QueryPageByApplyId(RpcCall c)
    {
        var applyId = c.Long("ApplyId") ?? throw RpcGatewayException.Missing("ApplyId");
        var paging = c.Paging(10, 50);
        var (devices, total) = await c.Service<BatchRegistrar>().DevicesAsync(c.Caller, applyId, paging, c.Ct);
        return new
        {
            Page = paging.Page, PageSize = paging.PageSize, PageCount = paging.PageCount(total), Total = total,
            ApplyDeviceList = new { ApplyDeviceInfo = devices.Select(d => new { DeviceId = d.IotId, d.DeviceName, d.DeviceSecret, d.IotId }) },
        };
    }
}
