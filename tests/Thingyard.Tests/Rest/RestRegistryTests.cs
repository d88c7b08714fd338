// The REST API under /api/v1 over real HTTP: products, devices, batches and groups, ProblemDetails errors,
// account scoping, and the OpenAPI document and reference page.
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using Thingyard.Tests.Registry;
using static Thingyard.Tests.Registry.RegistryCalls;

namespace Thingyard.Tests.Rest;

public sealed class RestRegistryTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static async Task<JsonElement> ProblemOf(HttpResponseMessage response, HttpStatusCode expected, string title)
    {
        var problem = await JsonOf(response, expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)expected, problem.At("status").GetInt32());
        Assert.Equal(title, problem.Str("title"));
        Assert.False(string.IsNullOrEmpty(problem.Str("detail")));
        return problem;
    }

    async Task<string> NewProductAsync(HttpClient rest, string prefix = "Rest")
    {
        var body = await JsonOf(await rest.PostAsJsonAsync("/api/v1/products", new { name = Unique(prefix) }), HttpStatusCode.Created);
        return body.Str("productKey");
    }

    async Task<JsonElement> WaitForBatchAsync(HttpClient rest, string applyId)
    {
        JsonElement batch = default;
        for (var i = 0; i < 100; i++)
        {
            batch = await JsonOf(await rest.GetAsync($"/api/v1/batches/{applyId}"), HttpStatusCode.OK);
            if (batch.Str("status") != "CREATE") return batch;
            await Task.Delay(100);
        }
        Assert.Fail($"Batch {applyId} still in CREATE after 10 s: {batch}");
        return batch;
    }

    [Fact]
    public async Task Products_can_be_created_read_updated_listed_and_deleted()
    {
        using var rest = server.Rest();
        var name = Unique("RestProd");

        var createdResponse = await rest.PostAsJsonAsync("/api/v1/products", new { name, nodeType = 1, description = "made over REST", netType = "LORA" });
        var created = await JsonOf(createdResponse, HttpStatusCode.Created);
        var productKey = created.Str("productKey");
        Assert.Equal($"/api/v1/products/{productKey}", createdResponse.Headers.Location?.OriginalString);
        Assert.Equal(name, created.Str("name"));
        Assert.Equal(1, created.At("nodeType").GetInt32());
        Assert.Equal("LORA", created.Str("netType"));
        Assert.Equal("secret", created.Str("authType"));
        Assert.Equal(16, created.Str("productSecret").Length);

        var shown = await JsonOf(await rest.GetAsync($"/api/v1/products/{productKey}"), HttpStatusCode.OK);
        Assert.Equal(name, shown.Str("name"));
        Assert.Equal("made over REST", shown.Str("description"));
        Assert.Equal(0, shown.At("deviceCount").GetInt32());

        var patched = await JsonOf(await rest.PatchAsJsonAsync($"/api/v1/products/{productKey}", new { description = "patched", dynamicRegistration = true }), HttpStatusCode.OK);
        Assert.Equal("patched", patched.Str("description"));
        Assert.True(patched.At("dynamicRegistration").GetBoolean());
        Assert.Equal(name, patched.Str("name"));

        var list = await JsonOf(await rest.GetAsync("/api/v1/products?pageSize=100"), HttpStatusCode.OK);
        Assert.Contains(productKey, list.At("items").Pluck("productKey"));
        Assert.True(list.At("total").GetInt32() >= 1);
        Assert.Equal(100, list.At("pageSize").GetInt32());

        // The RPC API sees the same product.
        Assert.Equal("patched", (await server.Call("QueryProduct", ("ProductKey", productKey))).Str("Data.Description"));

        var deleted = await rest.DeleteAsync($"/api/v1/products/{productKey}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await ProblemOf(await rest.GetAsync($"/api/v1/products/{productKey}"), HttpStatusCode.NotFound, "iot.prod.NotExistedProduct");
    }

    [Fact]
    public async Task A_duplicate_product_name_is_conflict()
    {
        using var rest = server.Rest();
        var name = Unique("RestDup");
        await JsonOf(await rest.PostAsJsonAsync("/api/v1/products", new { name }), HttpStatusCode.Created);

        await ProblemOf(await rest.PostAsJsonAsync("/api/v1/products", new { name }), HttpStatusCode.Conflict, "iot.prod.AlreadyExistedProductName");
    }

    [Fact]
    public async Task Bad_product_input_is_bad_request()
    {
        using var rest = server.Rest();
        await ProblemOf(await rest.PostAsJsonAsync("/api/v1/products", new { name = "x" }), HttpStatusCode.BadRequest, "iot.prod.InvalidFormattedName");
        await ProblemOf(await rest.GetAsync("/api/v1/products?pageSize=0"), HttpStatusCode.BadRequest, "iot.common.InvalidPageParams");
    }

    [Fact]
    public async Task A_product_with_devices_cannot_be_deleted()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);
        await JsonOf(await rest.PostAsJsonAsync($"/api/v1/products/{productKey}/devices", new { deviceName = "keeps-it" }), HttpStatusCode.Created);

        await ProblemOf(await rest.DeleteAsync($"/api/v1/products/{productKey}"), HttpStatusCode.BadRequest, "iot.prod.ProductHasDevices");
        Assert.Equal(HttpStatusCode.OK, (await rest.GetAsync($"/api/v1/products/{productKey}")).StatusCode);
    }

    [Fact]
    public async Task Devices_can_be_registered_listed_shown_disabled_enabled_and_deleted()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);
        var devices = $"/api/v1/products/{productKey}/devices";

        var registeredResponse = await rest.PostAsJsonAsync(devices, new { deviceName = "rest-dev-1", nickname = "first_device" });
        var registered = await JsonOf(registeredResponse, HttpStatusCode.Created);
        Assert.Equal($"{devices}/rest-dev-1", registeredResponse.Headers.Location?.OriginalString);
        Assert.Equal("rest-dev-1", registered.Str("deviceName"));
        Assert.Equal("first_device", registered.Str("nickname"));
        Assert.Equal("UNACTIVE", registered.Str("status"));
        Assert.Matches("^[0-9a-f]{32}$", registered.Str("deviceSecret"));

        var generated = await JsonOf(await rest.PostAsJsonAsync(devices, new { }), HttpStatusCode.Created);
        Assert.Matches("^[A-Za-z0-9]{20}$", generated.Str("deviceName"));

        var list = await JsonOf(await rest.GetAsync(devices), HttpStatusCode.OK);
        Assert.Equal(2, list.At("total").GetInt32());
        Assert.Equal(new[] { "rest-dev-1", generated.Str("deviceName") }, list.At("items").Pluck("deviceName"));

        var shown = await JsonOf(await rest.GetAsync($"{devices}/rest-dev-1"), HttpStatusCode.OK);
        Assert.Equal(registered.Str("iotId"), shown.Str("iotId"));

        var disabled = await JsonOf(await rest.PostAsync($"{devices}/rest-dev-1/disable", null), HttpStatusCode.OK);
        Assert.Equal("DISABLE", disabled.Str("status"));
        var onlyDisabled = await JsonOf(await rest.GetAsync($"{devices}?status=DISABLE"), HttpStatusCode.OK);
        Assert.Equal(new[] { "rest-dev-1" }, onlyDisabled.At("items").Pluck("deviceName"));
        Assert.Equal("DISABLE", (await server.Call("GetDeviceStatus", ("IotId", registered.Str("iotId")))).Str("Data.Status"));

        var enabled = await JsonOf(await rest.PostAsync($"{devices}/rest-dev-1/enable", null), HttpStatusCode.OK);
        Assert.Equal("UNACTIVE", enabled.Str("status"));

        Assert.Equal(HttpStatusCode.NoContent, (await rest.DeleteAsync($"{devices}/rest-dev-1")).StatusCode);
        await ProblemOf(await rest.GetAsync($"{devices}/rest-dev-1"), HttpStatusCode.NotFound, "iot.device.NotExistedDevice");
        Assert.Equal(1, (await JsonOf(await rest.GetAsync(devices), HttpStatusCode.OK)).At("total").GetInt32());
    }

    [Fact]
    public async Task The_device_list_finds_devices_by_a_part_of_their_name_or_nickname()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);
        var devices = $"/api/v1/products/{productKey}/devices";
        await JsonOf(await rest.PostAsJsonAsync(devices, new { deviceName = "boiler-north", nickname = "cellar" }), HttpStatusCode.Created);
        await JsonOf(await rest.PostAsJsonAsync(devices, new { deviceName = "boiler-south" }), HttpStatusCode.Created);
        await JsonOf(await rest.PostAsJsonAsync(devices, new { deviceName = "fan-1", nickname = "attic_fan" }), HttpStatusCode.Created);

        Assert.Equal(new[] { "boiler-north", "boiler-south" }, (await JsonOf(await rest.GetAsync($"{devices}?name=boiler"), HttpStatusCode.OK)).At("items").Pluck("deviceName"));
        Assert.Equal(new[] { "fan-1" }, (await JsonOf(await rest.GetAsync($"{devices}?name=attic"), HttpStatusCode.OK)).At("items").Pluck("deviceName"));
        var none = await JsonOf(await rest.GetAsync($"{devices}?name=nothing-like-it&status=UNACTIVE"), HttpStatusCode.OK);
        Assert.Equal(0, none.At("total").GetInt32());
    }

    [Fact]
    public async Task Device_registration_errors_are_problem_details()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);
        var devices = $"/api/v1/products/{productKey}/devices";
        await JsonOf(await rest.PostAsJsonAsync(devices, new { deviceName = "only-once" }), HttpStatusCode.Created);

        await ProblemOf(await rest.PostAsJsonAsync(devices, new { deviceName = "only-once" }), HttpStatusCode.Conflict, "iot.device.AlreadyExistedDeviceName");
        await ProblemOf(await rest.PostAsJsonAsync(devices, new { deviceName = "no" }), HttpStatusCode.BadRequest, "iot.device.InvalidFormattedDeviceName");
        await ProblemOf(await rest.PostAsJsonAsync("/api/v1/products/a1nosuchprd/devices", new { deviceName = "anywhere" }), HttpStatusCode.NotFound, "iot.prod.NotExistedProduct");
        await ProblemOf(await rest.GetAsync($"{devices}?status=ASLEEP"), HttpStatusCode.BadRequest, "iot.common.InvalidFormattedParameter");
    }

    [Fact]
    public async Task Device_tags_can_be_saved_and_read()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);
        var device = $"/api/v1/products/{productKey}/devices/tagged-dev";
        await JsonOf(await rest.PostAsJsonAsync($"/api/v1/products/{productKey}/devices", new { deviceName = "tagged-dev" }), HttpStatusCode.Created);

        var saved = await JsonOf(await rest.PutAsJsonAsync($"{device}/tags", new Dictionary<string, string> { ["color"] = "red", ["floor"] = "2" }), HttpStatusCode.OK);
        Assert.Equal("red", saved.Str("color"));
        Assert.Equal("2", saved.Str("floor"));

        await ProblemOf(await rest.PutAsJsonAsync($"{device}/tags", new Dictionary<string, string> { ["ok"] = "1", ["bad key"] = "x" }),
            HttpStatusCode.BadRequest, "iot.device.InvalidFormattedProps");

        var read = await JsonOf(await rest.GetAsync($"{device}/tags"), HttpStatusCode.OK);
        Assert.Equal(new Dictionary<string, string> { ["color"] = "red", ["floor"] = "2" }, JsonSerializer.Deserialize<Dictionary<string, string>>(read));
        var viaRpc = (await server.Call("QueryDeviceProp", ("ProductKey", productKey), ("DeviceName", "tagged-dev"))).Str("Props");
        Assert.Equal("red", JsonDocument.Parse(viaRpc).RootElement.Str("color"));
    }

    [Fact]
    public async Task Product_tags_can_be_saved_and_read()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);

        var saved = await JsonOf(await rest.PutAsJsonAsync($"/api/v1/products/{productKey}/tags",
            new[] { new { key = "vendor", value = "acme" }, new { key = "line", value = "a" } }), HttpStatusCode.OK);
        Assert.Equal(new[] { "line", "vendor" }, saved.Pluck("key"));

        await ProblemOf(await rest.PutAsJsonAsync($"/api/v1/products/{productKey}/tags", new[] { new { key = "bad key", value = "x" } }),
            HttpStatusCode.BadRequest, "iot.common.InvalidTag");

        var read = await JsonOf(await rest.GetAsync($"/api/v1/products/{productKey}/tags"), HttpStatusCode.OK);
        Assert.Equal("acme", read.EnumerateArray().Single(t => t.Str("key") == "vendor").Str("value"));
        Assert.Equal(2, read.GetArrayLength());
    }

    [Fact]
    public async Task Batches_create_every_named_device()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);

        var startedResponse = await rest.PostAsJsonAsync("/api/v1/batches", new { productKey, names = new[] { "rb-001", "rb-002", "rb-003" } });
        var started = await JsonOf(startedResponse, HttpStatusCode.Accepted);
        var applyId = started.At("applyId").GetInt64().ToString();
        Assert.Equal($"/api/v1/batches/{applyId}", startedResponse.Headers.Location?.OriginalString);
        Assert.Equal(3, started.At("count").GetInt32());

        var done = await WaitForBatchAsync(rest, applyId);
        Assert.Equal("CREATE_SUCCESS", done.Str("status"));
        Assert.Equal(0, done.At("invalidNames").GetArrayLength());

        var page = await JsonOf(await rest.GetAsync($"/api/v1/batches/{applyId}/devices?pageSize=2"), HttpStatusCode.OK);
        Assert.Equal(3, page.At("total").GetInt32());
        Assert.Equal(new[] { "rb-001", "rb-002" }, page.At("items").Pluck("deviceName"));
        Assert.Equal(3, (await JsonOf(await rest.GetAsync($"/api/v1/products/{productKey}/devices"), HttpStatusCode.OK)).At("total").GetInt32());
    }

    [Fact]
    public async Task A_batch_with_bad_names_is_reported_and_creates_nothing()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);

        var started = await JsonOf(await rest.PostAsJsonAsync("/api/v1/batches", new { productKey, names = new[] { "good-name", "b" } }), HttpStatusCode.Accepted);
        Assert.Equal("CHECK_FAILED", started.Str("status"));
        Assert.Equal(new[] { "b" }, started.At("invalidNames").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(0, (await JsonOf(await rest.GetAsync($"/api/v1/products/{productKey}/devices"), HttpStatusCode.OK)).At("total").GetInt32());
    }

    [Fact]
    public async Task A_batch_by_count_generates_devices()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);

        var started = await JsonOf(await rest.PostAsJsonAsync("/api/v1/batches", new { productKey, count = 3 }), HttpStatusCode.Accepted);
        var done = await WaitForBatchAsync(rest, started.At("applyId").GetInt64().ToString());

        Assert.Equal("CREATE_SUCCESS", done.Str("status"));
        var page = await JsonOf(await rest.GetAsync($"/api/v1/batches/{done.At("applyId").GetInt64()}/devices"), HttpStatusCode.OK);
        Assert.Equal(3, page.At("total").GetInt32());
        await ProblemOf(await rest.GetAsync("/api/v1/batches/987654321"), HttpStatusCode.NotFound, "iot.device.NotExistedApply");
    }

    [Fact]
    public async Task Groups_can_be_created_filled_listed_emptied_and_deleted()
    {
        using var rest = server.Rest();
        var productKey = await NewProductAsync(rest);
        await JsonOf(await rest.PostAsJsonAsync($"/api/v1/products/{productKey}/devices", new { deviceName = "grp-dev-1" }), HttpStatusCode.Created);
        await JsonOf(await rest.PostAsJsonAsync($"/api/v1/products/{productKey}/devices", new { deviceName = "grp-dev-2" }), HttpStatusCode.Created);
        var name = Unique("RestGroup");

        var created = await JsonOf(await rest.PostAsJsonAsync("/api/v1/groups", new { name, description = "over REST" }), HttpStatusCode.Created);
        var groupId = created.Str("groupId");
        Assert.Equal(name, created.Str("name"));
        Assert.Equal("over REST", created.Str("description"));

        var listed = await JsonOf(await rest.GetAsync($"/api/v1/groups?name={name}"), HttpStatusCode.OK);
        Assert.Equal(new[] { groupId }, listed.At("items").Pluck("groupId"));

        var members = new { devices = new[] { new { productKey, deviceName = "grp-dev-1" }, new { productKey, deviceName = "grp-dev-2" } } };
        var added = await JsonOf(await rest.PostAsJsonAsync($"/api/v1/groups/{groupId}/devices", members), HttpStatusCode.OK);
        Assert.Equal(2, added.At("added").GetInt32());
        Assert.Equal(2, added.At("valid").GetInt32());

        var inGroup = await JsonOf(await rest.GetAsync($"/api/v1/groups/{groupId}/devices"), HttpStatusCode.OK);
        Assert.Equal(2, inGroup.At("total").GetInt32());

        var removal = new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/groups/{groupId}/devices")
        {
            Content = JsonContent.Create(new { devices = new[] { new { productKey, deviceName = "grp-dev-1" } } }),
        };
        Assert.Equal(HttpStatusCode.NoContent, (await rest.SendAsync(removal)).StatusCode);
        var remaining = await JsonOf(await rest.GetAsync($"/api/v1/groups/{groupId}/devices"), HttpStatusCode.OK);
        Assert.Equal(new[] { "grp-dev-2" }, remaining.At("items").Pluck("deviceName"));

        Assert.Equal(HttpStatusCode.NoContent, (await rest.DeleteAsync($"/api/v1/groups/{groupId}")).StatusCode);
        await ProblemOf(await rest.GetAsync($"/api/v1/groups/{groupId}"), HttpStatusCode.NotFound, "iot.group.NotExistedGroup");
    }

    [Fact]
    public async Task Another_accounts_resources_are_not_found()
    {
        using var admin = server.Rest();
        var productKey = await NewProductAsync(admin, "Private");
        await JsonOf(await admin.PostAsJsonAsync($"/api/v1/products/{productKey}/devices", new { deviceName = "private-dev" }), HttpStatusCode.Created);
        var groupId = (await JsonOf(await admin.PostAsJsonAsync("/api/v1/groups", new { name = Unique("Private") }), HttpStatusCode.Created)).Str("groupId");
        var applyId = (await JsonOf(await admin.PostAsJsonAsync("/api/v1/batches", new { productKey, count = 1 }), HttpStatusCode.Accepted)).At("applyId").GetInt64();

        var other = await server.NewAccountAsync();
        using var rest = server.Rest(other.AccessKeyId, other.AccessKeySecret);

        var problem = await ProblemOf(await rest.GetAsync($"/api/v1/products/{productKey}"), HttpStatusCode.NotFound, "iot.prod.NotExistedProduct");
        Assert.DoesNotContain("productSecret", problem.ToString());
        await ProblemOf(await rest.GetAsync($"/api/v1/products/{productKey}/devices/private-dev"), HttpStatusCode.NotFound, "iot.device.NotExistedDevice");
        await ProblemOf(await rest.GetAsync($"/api/v1/products/{productKey}/devices"), HttpStatusCode.NotFound, "iot.prod.NotExistedProduct");
        await ProblemOf(await rest.PostAsync($"/api/v1/products/{productKey}/devices/private-dev/disable", null), HttpStatusCode.NotFound, "iot.device.NotExistedDevice");
        await ProblemOf(await rest.DeleteAsync($"/api/v1/products/{productKey}/devices/private-dev"), HttpStatusCode.NotFound, "iot.device.NotExistedDevice");
        await ProblemOf(await rest.DeleteAsync($"/api/v1/products/{productKey}"), HttpStatusCode.NotFound, "iot.prod.NotExistedProduct");
        await ProblemOf(await rest.GetAsync($"/api/v1/groups/{groupId}"), HttpStatusCode.NotFound, "iot.group.NotExistedGroup");
        await ProblemOf(await rest.GetAsync($"/api/v1/batches/{applyId}"), HttpStatusCode.NotFound, "iot.device.NotExistedApply");

        var products = await JsonOf(await rest.GetAsync("/api/v1/products"), HttpStatusCode.OK);
        Assert.Equal(0, products.At("total").GetInt32());
        var groups = await JsonOf(await rest.GetAsync("/api/v1/groups"), HttpStatusCode.OK);
        Assert.Equal(0, groups.At("total").GetInt32());

        var device = await JsonOf(await admin.GetAsync($"/api/v1/products/{productKey}/devices/private-dev"), HttpStatusCode.OK);
        Assert.Equal("UNACTIVE", device.Str("status"));
    }

    [Fact]
    public async Task The_open_api_document_lists_the_registry_paths()
    {
        using var http = server.Http();
        var response = await http.GetAsync("/openapi/v1.json");
        var doc = await JsonOf(response, HttpStatusCode.OK);

        var paths = doc.At("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/products", paths);
        Assert.Contains("/api/v1/products/{productKey}/devices", paths);
        Assert.Contains("/api/v1/batches", paths);
        Assert.Contains("/api/v1/groups", paths);
        Assert.Equal("Thingyard REST API", doc.Str("info.title"));
        Assert.DoesNotContain("/", paths); // the RPC endpoint is not a REST path
    }

    [Fact]
    public async Task The_reference_page_is_served()
    {
        using var http = server.Http();
        var response = await http.GetAsync("/api/reference/index.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Thingyard REST API", await response.Content.ReadAsStringAsync());
    }
}
