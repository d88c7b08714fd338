// The maker's actions for end users and apps (Thingyard names; docs/end-users.md): the bind codes to print on devices
// at mass production, a device's end users (for support), and the project's proprietary apps.
using Thingyard.EndUsers;
using Thingyard.Registry;
using Thingyard.Server.Rpc;

namespace Thingyard.Server.EndUsers;

public static class EndUserRpc
{
    public static RpcActions AddEndUserActions(this RpcActions actions) => actions
        .Add("QueryDeviceBindCodes", BindCodes)
        .Add("QueryDeviceBindingList", Bindings)
        .Add("CreateProprietaryApp", CreateApp)
        .Add("QueryProprietaryAppList", ListApps)
        .Add("ResetProprietaryAppSecret", ResetSecret)
        .Add("UpdateProprietaryAppStatus", SetStatus)
        .Add("DeleteProprietaryApp", DeleteApp);

    /// <summary>ProductKey and DeviceName.N (none: every device, up to 10,000); each code with its QR code's text.</summary>
    static async Task<object> BindCodes(RpcCall c)
    {
        var productKey = c.Required("ProductKey");
        var rows = await c.Service<BindCodes>().ForProductAsync(c.Caller, productKey, c.List("DeviceName"), c.Ct);
        var product = await c.Service<ProductRegistry>().GetAsync(c.Caller, productKey, c.Ct);
        var projectId = await c.Service<Thingyard.Projects.ProjectRegistry>().PublicIdAsync(product, c.Ct);
        var baseUrl = c.Service<Hosting.PublicUrls>().HttpBase;
        return new
        {
            Data = new
            {
                List = rows.Select(r => new { r.ProductKey, r.DeviceName, r.IotId, BindCode = r.Code, QrText = Thingyard.EndUsers.BindCodes.QrText(baseUrl, projectId ?? "", r) }).ToList(),
            },
        };
    }

    static async Task<object> Bindings(RpcCall c)
    {
        var device = await c.Service<DeviceRegistry>().GetAsync(c.Caller, c.Device(), c.Ct);
        var members = await c.Service<EndUserDevices>().OfDeviceAsync(device, c.Ct);
        return new { Data = new { List = members.Select(m => new { m.UserId, m.Email, m.Phone, m.Role, m.Pending, BindTime = m.CreatedAtMs }).ToList() } };
    }

    static async Task<object> CreateApp(RpcCall c) =>
        new { Data = Shape(await c.Service<ProprietaryApps>().CreateAsync(c.Caller, c.Required("ProjectId"), c.Required("AppName"), c.Ct)) };

    static async Task<object> ListApps(RpcCall c) =>
        new { Data = new { List = (await c.Service<ProprietaryApps>().ListAsync(c.Caller, c.Required("ProjectId"), c.Ct)).Select(Shape).ToList() } };

    static async Task<object> ResetSecret(RpcCall c) =>
        new { Data = Shape(await c.Service<ProprietaryApps>().ResetSecretAsync(c.Caller, c.Required("AppKey"), c.Ct)) };

    static async Task<object> SetStatus(RpcCall c) =>
        new { Data = Shape(await c.Service<ProprietaryApps>().SetEnabledAsync(c.Caller, c.Required("AppKey"), c.Bool("Enabled") ?? throw RpcGatewayException.Missing("Enabled"), c.Ct)) };

    static async Task<object> DeleteApp(RpcCall c)
    {
        await c.Service<ProprietaryApps>().DeleteAsync(c.Caller, c.Required("AppKey"), c.Ct);
        return new { };
    }

    static object Shape(ProprietaryAppView a) => new { a.AppKey, a.AppSecret, AppName = a.Name, a.ProjectId, a.Enabled, GmtCreate = a.CreatedAtMs };
}
