// REST endpoints for device groups and their members.
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.Rest;

namespace Thingyard.Server.Registry;

public static class GroupApi
{
    public static RouteGroupBuilder MapGroupApi(this RouteGroupBuilder group)
    {
        group.MapGet("/", List);
        group.MapPost("/", Create);
        group.MapGet("/{groupId}", Get);
        group.MapDelete("/{groupId}", Delete);
        group.MapGet("/{groupId}/devices", Devices);
        group.MapPost("/{groupId}/devices", AddDevices);
        group.MapDelete("/{groupId}/devices", RemoveDevices);
        return group;
    }

    static async Task<Ok<PageDto<GroupDto>>> List(HttpContext http, GroupRegistry groups, string? name, int? page, int? pageSize)
    {
        var paging = Paging.Of(page, pageSize, 20);
        var (items, total) = await groups.ListAsync(RestAuthFilter.CallerOf(http), name, null, paging, http.RequestAborted);
        return TypedResults.Ok(new PageDto<GroupDto>(items.Select(GroupDto.Of).ToList(), total, paging.Page, paging.PageSize));
    }

    static async Task<Created<GroupDto>> Create(HttpContext http, GroupRegistry groups, CreateGroupRequest body)
    {
        var g = await groups.CreateAsync(RestAuthFilter.CallerOf(http), body.Name, body.Description, body.SuperGroupId, http.RequestAborted);
        return TypedResults.Created($"/api/v1/groups/{g.GroupId}", GroupDto.Of(g));
    }

    static async Task<Ok<GroupDto>> Get(HttpContext http, GroupRegistry groups, string groupId) =>
        TypedResults.Ok(GroupDto.Of(await groups.GetAsync(RestAuthFilter.CallerOf(http), groupId, http.RequestAborted)));

    static async Task<NoContent> Delete(HttpContext http, GroupRegistry groups, string groupId)
    {
        await groups.DeleteAsync(RestAuthFilter.CallerOf(http), groupId, http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<Ok<PageDto<DeviceDto>>> Devices(HttpContext http, GroupRegistry groups, string groupId, int? page, int? pageSize)
    {
        var paging = Paging.Of(page, pageSize, 20);
        var (items, total) = await groups.DevicesAsync(RestAuthFilter.CallerOf(http), groupId, paging, http.RequestAborted);
        return TypedResults.Ok(new PageDto<DeviceDto>(items.Select(d => DeviceDto.Of(RestAuthFilter.CallerOf(http), d)).ToList(), total, paging.Page, paging.PageSize));
    }

    static async Task<Ok<GroupRegistry.AddResult>> AddDevices(HttpContext http, GroupRegistry groups, DeviceRegistry devices, string groupId, GroupDevicesRequest body)
    {
        var found = await Resolve(http, devices, body);
        return TypedResults.Ok(await groups.AddDevicesAsync(RestAuthFilter.CallerOf(http), groupId, found, http.RequestAborted));
    }

    static async Task<NoContent> RemoveDevices(HttpContext http, GroupRegistry groups, DeviceRegistry devices, string groupId, [FromBody] GroupDevicesRequest body)
    {
        await groups.RemoveDevicesAsync(RestAuthFilter.CallerOf(http), groupId, await Resolve(http, devices, body), http.RequestAborted);
        return TypedResults.NoContent();
    }

    static async Task<List<Device>> Resolve(HttpContext http, DeviceRegistry devices, GroupDevicesRequest body)
    {
        var found = new List<Device>();
        foreach (var byProduct in body.Devices.GroupBy(d => d.ProductKey))
            found.AddRange(await devices.FindManyAsync(RestAuthFilter.CallerOf(http), byProduct.Key, byProduct.Select(d => d.DeviceName).ToList(), [], http.RequestAborted));
        return found;
    }
}
