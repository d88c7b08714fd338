// Shorthands the end-user tests share: a released lamp product in a project of its own, end users signed up over
// /app/v1, a lamp device on MQTT.
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.EndUsers;

public sealed record Lamp(string ProjectId, string ProductKey);

public sealed record AppUser(string UserId, string Login, HttpClient Http) : IDisposable
{
    public void Dispose() => Http.Dispose();
}

public static class EndUserCalls
{
    public const string Tsl = """
        {"schema":"https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json","profile":{"productKey":"x"},
         "properties":[
           {"identifier":"LightSwitch","name":"Light","accessMode":"rw","required":true,"dataType":{"type":"bool","specs":{"0":"off","1":"on"}}},
           {"identifier":"Brightness","name":"Brightness","accessMode":"rw","required":false,"dataType":{"type":"int","specs":{"min":"0","max":"100","step":"1","unit":"%"}}},
           {"identifier":"WorkMode","name":"Mode","accessMode":"rw","required":false,"dataType":{"type":"enum","specs":{"0":"reading","1":"night"}}},
           {"identifier":"Temp","name":"Temperature","accessMode":"r","required":false,"dataType":{"type":"float","specs":{"min":"-40","max":"120","step":"0.1","unit":"°C"}}}],
         "events":[],"services":[]}
        """;
    public const string Panel = """
        {"pages":[{"title":"Home","sections":[{"title":"Light","widgets":[
          {"type":"switch","identifier":"LightSwitch"},{"type":"slider","identifier":"Brightness"},{"type":"enum","identifier":"WorkMode"},
          {"type":"value","identifier":"Temp"},{"type":"chart","identifier":"Temp"}]}]}]}
        """;

    /// <summary>A new project with a lamp product taken through the real release path and approved.</summary>
    public static async Task<Lamp> ReleasedLampAsync(this ThingyardServer server, string? projectId = null)
    {
        projectId ??= (await server.Call("CreateProject", ("ProjectName", Unique("home")))).Str("Data.ProjectId");
        var pk = (await server.Call("CreateProduct", ("ProductName", Unique("Lamp")), ("NodeType", "0"), ("ProjectId", projectId))).Str("ProductKey");
        await server.Call("ImportThingModelTsl", ("ProductKey", pk), ("TslStr", Tsl));
        await server.Call("PublishThingModel", ("ProductKey", pk));
        await server.Call("SaveProductPanel", ("ProductKey", pk), ("Definition", Panel));
        await server.Call("ConfirmProductInfo", ("ProductKey", pk));
        await server.Call("ReleaseProduct", ("ProductKey", pk), ("WaiveReason", "tested by hand"));
        await server.Call("ApproveProductRelease", ("ProductKey", pk));
        return new Lamp(projectId, pk);
    }

    public static async Task<AppUser> SignUpAsync(this ThingyardServer server, string projectId, string? login = null)
    {
        login ??= Unique("user").ToLowerInvariant() + "@example.test";
        var http = server.Http();
        var tokens = await JsonOf(await http.PostAsJsonAsync($"/app/v1/projects/{projectId}/users", new { login, password = "pass-word-1" }), System.Net.HttpStatusCode.Created);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.Str("accessToken"));
        return new AppUser(tokens.Str("userId"), login, http);
    }

    /// <summary>Asserts a status, with the body in the failure message (for answers without a JSON body).</summary>
    public static async Task Expect(HttpResponseMessage response, System.Net.HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
    }

    /// <summary>The printed bind code of a device (QueryDeviceBindCodes).</summary>
    public static async Task<string> BindCodeAsync(this ThingyardServer server, string pk, string deviceName) =>
        (await server.Call("QueryDeviceBindCodes", ("ProductKey", pk), ("DeviceName.1", deviceName))).At("Data.List").EnumerateArray().Single().Str("BindCode");

    public static async Task<JsonElement> BindByCodeAsync(this AppUser user, string pk, string code, System.Net.HttpStatusCode expect = System.Net.HttpStatusCode.OK) =>
        await JsonOf(await user.Http.PostAsJsonAsync("/app/v1/devices/bind", new { productKey = pk, code }), expect);
}
