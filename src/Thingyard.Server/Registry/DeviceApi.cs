// REST endpoints for devices of a product: register, list, show, enable/disable, delete, tags.
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Registry;

public static class DeviceApi
{
    public static RouteGroupBuilder MapDeviceApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapPost("/", Register);
        group.MapGet("/{deviceName}", Get);
        group.MapDelete("/{deviceName}", Delete);
        group.MapPost("/{deviceName}/disable", Disable);
        group.MapPost("/{deviceName}/enable", Enable);
        group.MapGet("/{deviceName}/tags", GetTags);
        group.MapPut("/{deviceName}/tags", SaveTags);
        return group;
    }

    /// <summary>A page of the product's devices; status filters by status, name by a part of the DeviceName or Nickname.</summary>
    static async Task<Ok<PageDto<DeviceDto>>> List(HttpContext http, DeviceRegistry devices, string productKey, string? status, string? name, int? page, int? pageSize)
    {
        var paging = Paging.Of(page, pageSize, 20);
        var (items, total) = await devices.ListAsync(RestAuthFilter.CallerOf(http), productKey, status, name, paging, http.RequestAborted);
        return TypedResults.Ok(new PageDto<DeviceDto>(items.Select(d => DeviceDto.Of(RestAuthFilter.CallerOf(http), d)).ToList(), total, paging.Page, paging.PageSize));
    }

    static async Task<Created<DeviceDto>> Register(HttpContext http, DeviceRegistry devices, string productKey, RegisterDeviceRequest body)
    {
        var d = await devices.RegisterAsync(RestAuthFilter.CallerOf(http), productKey, body.DeviceName, body.Nickname, http.RequestAborted);
        return TypedResults.Created($"/api/v1/products/{productKey}/devices/{d.DeviceName}", DeviceDto.Of(RestAuthFilter.CallerOf(http), d));
    }

    static async Task<Ok<DeviceDto>> Get(HttpContext http, DeviceRegistry devices, string productKey, string deviceName) =>
        TypedResults.Ok(DeviceDto.Of(RestAuthFilter.CallerOf(http), await devices.GetAsync(RestAuthFilter.CallerOf(http), new DeviceRef(null, productKey, deviceName), http.RequestAborted)));

    static async Task<NoContent> Delete(HttpContext http, DeviceRegistry devices, string productKey, string deviceName)
    {
        await devices.DeleteAsync(RestAuthFilter.CallerOf(http), new DeviceRef(null, productKey, deviceName), http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<DeviceDto>> Disable(HttpContext http, DeviceRegistry devices, string productKey, string deviceName) =>
        TypedResults.Ok(DeviceDto.Of(RestAuthFilter.CallerOf(http), await devices.DisableAsync(RestAuthFilter.CallerOf(http), new DeviceRef(null, productKey, deviceName), http.RequestAborted)));

    static async Task<Ok<DeviceDto>> Enable(HttpContext http, DeviceRegistry devices, string productKey, string deviceName) =>
        TypedResults.Ok(DeviceDto.Of(RestAuthFilter.CallerOf(http), await devices.EnableAsync(RestAuthFilter.CallerOf(http), new DeviceRef(null, productKey, deviceName), http.RequestAborted)));

    static async Task<Ok<Dictionary<string, string>>> GetTags(HttpContext http, DeviceRegistry devices, DeviceTags tags, string productKey, string deviceName)
    {
        var d = await devices.GetAsync(RestAuthFilter.CallerOf(http), new DeviceRef(null, productKey, deviceName), http.RequestAborted);
        return TypedResults.Ok(await tags.GetAsync(d, http.RequestAborted));
    }

    static async Task<Ok<Dictionary<string, string>>> SaveTags(HttpContext http, DeviceRegistry devices, DeviceTags tags, string productKey, string deviceName, Dictionary<string, string> body)
    {
        var props = DeviceTags.ParseProps(System.Text.Json.JsonSerializer.Serialize(body));
        var d = await devices.GetAsync(RestAuthFilter.CallerOf(http), new DeviceRef(null, productKey, deviceName), http.RequestAborted);
        await tags.SaveAsync(d, props, http.RequestAborted);
        return TypedResults.Ok(await tags.GetAsync(d, http.RequestAborted));
    }
}
