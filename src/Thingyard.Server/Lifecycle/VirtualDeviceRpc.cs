// RPC actions for virtual devices (this server's own): create, start, stop, update, delete and list a product's
// test devices that the server runs itself.
using Thingyard.Server.Lifecycle.VirtualDevices;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.Lifecycle;

public static class VirtualDeviceRpc
{
    public static RpcActions AddVirtualDeviceActions(this RpcActions actions) => actions
        .Add("CreateVirtualDevice", Create)
        .Add("StartVirtualDevice", Start)
        .Add("StopVirtualDevice", Stop)
        .Add("UpdateVirtualDevice", Update)
        .Add("DeleteVirtualDevice", Delete)
        .Add("QueryVirtualDeviceList", List);

    static VirtualDeviceService Service(RpcCall c) => c.Service<VirtualDeviceService>();

    static async Task<object> Create(RpcCall c)
    {
        var v = await Service(c).CreateAsync(c.Caller, c.Required("ProductKey"), c.Optional("DeviceName"), c.Int("IntervalSeconds"), c.Optional("Replies"), c.Ct);
        return new { Data = Brief(v) };
    }

    static async Task<object> Start(RpcCall c) => new { Data = Brief(await Service(c).StartAsync(c.Caller, c.Device(), c.Ct)) };

    static async Task<object> Stop(RpcCall c) => new { Data = Brief(await Service(c).StopAsync(c.Caller, c.Device(), c.Ct)) };

    static async Task<object> Update(RpcCall c) =>
        new { Data = Full(await Service(c).UpdateAsync(c.Caller, c.Device(), c.Int("IntervalSeconds"), c.Optional("Replies"), c.Ct)) };

    static async Task<object> Delete(RpcCall c)
    {
        await Service(c).DeleteAsync(c.Caller, c.Device(), c.Ct);
        return new { };
    }

    static async Task<object> List(RpcCall c) =>
        new { Data = new { List = (await Service(c).ListAsync(c.Caller, c.Required("ProductKey"), c.Ct)).Select(Full).ToList() } };

    static object Brief(VirtualDeviceView v) => new { v.IotId, v.ProductKey, v.DeviceName, v.Running };

    static object Full(VirtualDeviceView v) => new { v.IotId, v.DeviceName, v.IntervalSeconds, v.Running, v.Replies };
}
