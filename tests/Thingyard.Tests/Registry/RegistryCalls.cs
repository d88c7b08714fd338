// Shorthands the registry and REST tests share: signed RPC calls with (key, value) pairs, fixtures made through the API,
// a second account, and bounded polling of batch jobs.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Tests.Registry;

/// <summary>An AccessKey of a non-admin account, as POST /api/v1/accounts returns it.</summary>
public sealed record TestAccount(string AccountUid, string AccessKeyId, string AccessKeySecret);

public static class RegistryCalls
{
    /// <summary>A name no other test in the same server uses (letters, digits and _ only, fits every name rule).</summary>
    public static string Unique(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..10];

    public static Task<JsonElement> Call(this ThingyardServer server, string action, params (string Key, string Value)[] p) =>
        server.Rpc().CallAsync(action, p.Select(x => KeyValuePair.Create(x.Key, x.Value)));

    public static Task<JsonElement> CallAs(this ThingyardServer server, TestAccount account, string action, params (string Key, string Value)[] p) =>
        server.Rpc(account.AccessKeyId, account.AccessKeySecret).CallAsync(action, p.Select(x => KeyValuePair.Create(x.Key, x.Value)));

    /// <summary>Calls an action that must fail and returns the failure (code, HTTP status, body).</summary>
    public static Task<RpcCallException> Fails(this ThingyardServer server, string action, params (string Key, string Value)[] p) =>
        Assert.ThrowsAsync<RpcCallException>(() => server.Call(action, p));

    public static Task<RpcCallException> FailsAs(this ThingyardServer server, TestAccount account, string action, params (string Key, string Value)[] p) =>
        Assert.ThrowsAsync<RpcCallException>(() => server.CallAs(account, action, p));

    /// <summary>Flattens a list the way the SDKs do: Name.1, Name.2, ...</summary>
    public static (string, string)[] List(string name, params string[] values) =>
        values.Select((v, i) => ($"{name}.{i + 1}", v)).ToArray();

    public static (string, string)[] With(this (string, string)[] first, params (string, string)[] more) => [.. first, .. more];

    public static async Task<string> NewProductAsync(this ThingyardServer server, string prefix = "Prod", int nodeType = 0)
    {
        var created = await server.Call("CreateProduct", ("ProductName", Unique(prefix)), ("NodeType", nodeType.ToString()));
        return created.Str("ProductKey");
    }

    /// <summary>Registers a device and returns its Data (DeviceName, DeviceSecret, IotId, ProductKey).</summary>
    public static async Task<JsonElement> NewDeviceAsync(this ThingyardServer server, string productKey, string? deviceName = null)
    {
        var p = new List<(string, string)> { ("ProductKey", productKey) };
        if (deviceName is not null) p.Add(("DeviceName", deviceName));
        return (await server.Call("RegisterDevice", [.. p])).At("Data");
    }

    public static async Task<string> NewGroupAsync(this ThingyardServer server, string prefix = "Grp", string? superGroupId = null)
    {
        var p = new List<(string, string)> { ("GroupName", Unique(prefix)) };
        if (superGroupId is not null) p.Add(("SuperGroupId", superGroupId));
        return (await server.Call("CreateDeviceGroup", [.. p])).Str("Data.GroupId");
    }

    /// <summary>Polls QueryBatchRegisterDeviceStatus (at most 100 x 100 ms) until the job leaves CREATE; returns its Data.</summary>
    public static async Task<JsonElement> WaitForBatchAsync(this ThingyardServer server, string productKey, string applyId)
    {
        JsonElement data = default;
        for (var i = 0; i < 100; i++)
        {
            data = (await server.Call("QueryBatchRegisterDeviceStatus", ("ProductKey", productKey), ("ApplyId", applyId))).At("Data");
            if (data.Str("Status") != "CREATE") return data;
            await Task.Delay(100);
        }
        Assert.Fail($"Batch {applyId} still in CREATE after 10 s: {data}");
        return data;
    }

    /// <summary>Creates a non-admin account through the REST API as the admin.</summary>
    public static async Task<TestAccount> NewAccountAsync(this ThingyardServer server, string name = "other")
    {
        using var rest = server.Rest();
        var response = await rest.PostAsJsonAsync("/api/v1/accounts", new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return new TestAccount(body.Str("accountUid"), body.Str("accessKeyId"), body.Str("accessKeySecret"));
    }

    /// <summary>The values of one field across a JSON array.</summary>
    public static List<string> Pluck(this JsonElement array, string field) => array.EnumerateArray().Select(e => e.Str(field)).ToList();
}
