// REST endpoints for a product's virtual devices: list, create, change, delete, start and stop.
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Thingyard.Registry;
using Thingyard.Server.Lifecycle.VirtualDevices;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Lifecycle;

/// <summary>Replies: {"serviceId or property.set": {"code":200,"message":"...","delayMs":0,"output":{...}}}.</summary>
public sealed record VirtualDeviceDto(string IotId, string ProductKey, string DeviceName, int IntervalSeconds, bool Running, JsonElement Replies)
{
    public static VirtualDeviceDto Of(VirtualDeviceView v)
    {
        using var replies = JsonDocument.Parse(v.Replies);
        return new(v.IotId, v.ProductKey, v.DeviceName, v.IntervalSeconds, v.Running, replies.RootElement.Clone());
    }
}

public sealed record CreateVirtualDeviceRequest(string? DeviceName, int? IntervalSeconds, JsonElement? Replies);

public sealed record UpdateVirtualDeviceRequest(int? IntervalSeconds, JsonElement? Replies);

public static class VirtualDeviceApi
{
    public static RouteGroupBuilder MapVirtualDeviceApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapPatch("/{deviceName}", Update);
        group.MapDelete("/{deviceName}", Delete);
        group.MapPost("/{deviceName}/start", Start);
        group.MapPost("/{deviceName}/stop", Stop);
        return group;
    }

    static async Task<Ok<List<VirtualDeviceDto>>> List(HttpContext http, VirtualDeviceService service, string productKey) =>
        TypedResults.Ok((await service.ListAsync(RestAuthFilter.CallerOf(http), productKey, http.RequestAborted)).Select(VirtualDeviceDto.Of).ToList());

    static async Task<Created<VirtualDeviceDto>> Create(HttpContext http, VirtualDeviceService service, string productKey, CreateVirtualDeviceRequest body)
    {
        var v = await service.CreateAsync(RestAuthFilter.CallerOf(http), productKey, body.DeviceName, body.IntervalSeconds, Raw(body.Replies),
            http.RequestAborted);
        return TypedResults.Created($"/api/v1/products/{productKey}/virtual-devices/{v.DeviceName}", VirtualDeviceDto.Of(v));
    }

    static async Task<Ok<VirtualDeviceDto>> Update(HttpContext http, VirtualDeviceService service, string productKey, string deviceName,
        UpdateVirtualDeviceRequest body) =>
        TypedResults.Ok(VirtualDeviceDto.Of(await service.UpdateAsync(RestAuthFilter.CallerOf(http), Named(productKey, deviceName), body.IntervalSeconds,
            Raw(body.Replies), http.RequestAborted)));

    static async Task<NoContent> Delete(HttpContext http, VirtualDeviceService service, string productKey, string deviceName)
    {
        await service.DeleteAsync(RestAuthFilter.CallerOf(http), Named(productKey, deviceName), http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<VirtualDeviceDto>> Start(HttpContext http, VirtualDeviceService service, string productKey, string deviceName) =>
        TypedResults.Ok(VirtualDeviceDto.Of(await service.StartAsync(RestAuthFilter.CallerOf(http), Named(productKey, deviceName), http.RequestAborted)));

    static async Task<Ok<VirtualDeviceDto>> Stop(HttpContext http, VirtualDeviceService service, string productKey, string deviceName) =>
        TypedResults.Ok(VirtualDeviceDto.Of(await service.StopAsync(RestAuthFilter.CallerOf(http), Named(productKey, deviceName), http.RequestAborted)));

    static DeviceRef Named(string productKey, string deviceName) => new(null, productKey, deviceName);

    /// <summary>Replies as the service takes them: JSON text, or null when the body leaves it out.</summary>
    static string? Raw(JsonElement? replies) => replies is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } r ? r.GetRawText() : null;
}
