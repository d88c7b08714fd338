// Remote configuration end to end: a product's file saved over REST, fetched by a device with thing.config.get (id,
// size, SHA-256 and a signed link that serves exactly those bytes), pushed with thing.config.push; bad files, forged
// links and other accounts' products are refused.
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Access;
using Thingyard.Common;
using Thingyard.Registry;
using Thingyard.Server.RemoteConfig;
using Thingyard.RemoteConfig;
using Thingyard.Tests.Infrastructure;
using static Thingyard.Tests.Infrastructure.Json;
using Thingyard.Tests.Messaging;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.RemoteConfig;

public sealed class RemoteConfigTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    const string ConfigGet = """{"configScope":"product","getType":"file"}""";

    static Task<HttpResponseMessage> SaveAsync(HttpClient rest, string productKey, string content) =>
        rest.PutAsJsonAsync($"/api/v1/products/{productKey}/config", new { content });

    /// <summary>GET /api/v1/products/{pk}/config: the current file and the kept versions.</summary>
    static async Task<JsonElement> StatusAsync(HttpClient rest, string productKey) =>
        await JsonOf(await rest.GetAsync($"/api/v1/products/{productKey}/config"), HttpStatusCode.OK);

    [Fact]
    public async Task A_device_fetches_the_current_file_and_its_link_serves_exactly_those_bytes()
    {
        var (d, device) = await server.OnlineDeviceAsync();
        await using var _ = device;
        using var rest = server.Rest();

        var none = await device.RequestAsync(device.Sys("thing/config/get"), "thing.config.get", ConfigGet);
        Assert.Equal(6713, none.GetProperty("code").GetInt32());

        const string content = """{"sampleRate":30,"name":"第一版"}""";
        var saved = await JsonOf(await SaveAsync(rest, d.ProductKey, content), HttpStatusCode.OK);
        var bytes = Encoding.UTF8.GetBytes(content);

        // The documented request carries sys.ack = 0; the reply is the answer, so it comes anyway.
        var id = device.NextId();
        await device.SubscribeAsync(device.Sys("thing/config/get_reply"));
        await device.PublishAsync(device.Sys("thing/config/get"),
            $$"""{"id":"{{id}}","version":"1.0","sys":{"ack":0},"params":{{ConfigGet}},"method":"thing.config.get"}""");
        var reply = (await device.NextAsync(r => r.Topic.EndsWith("config/get_reply") && r.Json.GetProperty("id").GetString() == id)).Json;

        Assert.Equal(200, reply.GetProperty("code").GetInt32());
        var data = reply.GetProperty("data");
        Assert.Equal(saved.Str("configId"), data.Str("configId"));
        Assert.Equal(bytes.Length, data.GetProperty("configSize").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), data.Str("sign"));
        Assert.Equal("Sha256", data.Str("signMethod"));
        Assert.Equal("file", data.Str("getType"));

        // No credentials: the link's signature is the permission.
        using var anonymous = new HttpClient();
        var url = data.Str("url");
        Assert.Equal(bytes, await anonymous.GetByteArrayAsync(url));

        var forged = url[..^4] + (url[^4..] == "aaaa" ? "bbbb" : "aaaa");
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(forged)).StatusCode);
        var otherFile = url.Replace(data.Str("configId"), new string('0', 32));
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync(otherFile)).StatusCode);
    }

    [Fact]
    public async Task Push_reaches_the_products_connected_devices_with_the_current_version()
    {
        var (d, device) = await server.OnlineDeviceAsync("thing/config/push");
        await using var _ = device;
        using var rest = server.Rest();

        var noFile = await rest.PostAsync($"/api/v1/products/{d.ProductKey}/config/push", null);
        Assert.Equal(HttpStatusCode.NotFound, noFile.StatusCode);

        await JsonOf(await SaveAsync(rest, d.ProductKey, "v1"), HttpStatusCode.OK);
        var second = await JsonOf(await SaveAsync(rest, d.ProductKey, "mode=eco\ninterval=60\n"), HttpStatusCode.OK);
        var pushed = await JsonOf(await rest.PostAsync($"/api/v1/products/{d.ProductKey}/config/push", null), HttpStatusCode.OK);
        Assert.Equal(1, pushed.GetProperty("devices").GetInt32());
        Assert.Equal(second.Str("configId"), pushed.Str("configId"));

        var push = (await device.NextAsync(r => r.Topic == device.Sys("thing/config/push"))).Json;
        Assert.Equal("thing.config.push", push.Str("method"));
        Assert.Equal(second.Str("configId"), push.GetProperty("params").Str("configId"));
        using var anonymous = new HttpClient();
        Assert.Equal("mode=eco\ninterval=60\n", await anonymous.GetStringAsync(push.GetProperty("params").Str("url")));
        var pushId = push.Str("id");
        await device.PublishAsync(device.Sys("thing/config/push_reply"), $$$"""{"id":"{{{pushId}}}","code":200,"data":{}}""");

        var status = await StatusAsync(rest, d.ProductKey);
        Assert.Equal("mode=eco\ninterval=60\n", status.At("current.content").GetString());
        Assert.Equal(2, status.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Only_the_last_five_versions_are_kept()
    {
        var productKey = await server.NewProductAsync();
        using var rest = server.Rest();
        var ids = new List<string>();
        for (var i = 1; i <= 7; i++) ids.Add((await JsonOf(await SaveAsync(rest, productKey, $"version {i}"), HttpStatusCode.OK)).Str("configId"));

        var status = await StatusAsync(rest, productKey);
        Assert.Equal(ids.AsEnumerable().Reverse().Take(5), status.GetProperty("versions").Pluck("configId"));
        Assert.Equal("version 7", status.At("current.content").GetString());
    }

    [Fact]
    public async Task Empty_and_oversized_files_are_refused_and_the_current_one_stays()
    {
        var productKey = await server.NewProductAsync();
        using var rest = server.Rest();
        await JsonOf(await SaveAsync(rest, productKey, "keep me"), HttpStatusCode.OK);

        var empty = await JsonOf(await SaveAsync(rest, productKey, ""), HttpStatusCode.BadRequest);
        Assert.Contains("empty", empty.Str("detail"));
        var huge = await JsonOf(await SaveAsync(rest, productKey, new string('x', 64 * 1024 + 1)), HttpStatusCode.BadRequest);
        Assert.Contains("64 KB", huge.Str("detail"));

        var status = await StatusAsync(rest, productKey);
        Assert.Equal("keep me", status.At("current.content").GetString());
        Assert.Equal(1, status.GetProperty("versions").GetArrayLength());
    }

    [Fact]
    public async Task Another_accounts_product_is_not_found()
    {
        var productKey = await server.NewProductAsync();
        using var rest = server.Rest();
        await JsonOf(await SaveAsync(rest, productKey, "secret settings"), HttpStatusCode.OK);

        var other = await server.OtherAccountAsync();
        using var theirs = server.Rest(other.AccessKeyId, other.AccessKeySecret);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.GetAsync($"/api/v1/products/{productKey}/config")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SaveAsync(theirs, productKey, "overwrite")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await theirs.PostAsync($"/api/v1/products/{productKey}/config/push", null)).StatusCode);

        var status = await StatusAsync(rest, productKey);
        Assert.Equal("secret settings", status.At("current.content").GetString());
    }

    [Fact]
    public async Task A_viewer_may_not_save_or_push_a_file_the_services_refuse_it_themselves()
    {
        var productKey = await server.NewProductAsync();
        using var rest = server.Rest();
        await JsonOf(await SaveAsync(rest, productKey, "v1"), HttpStatusCode.OK);

        await using var scope = server.Services.CreateAsyncScope();
        var viewer = Caller.User(1, 999, Role.Viewer);
        var product = await scope.ServiceProvider.GetRequiredService<ProductRegistry>().GetAsync(viewer, productKey);
        var configs = scope.ServiceProvider.GetRequiredService<RemoteConfigs>();
        var save = await Assert.ThrowsAsync<IotException>(() => configs.SaveAsync(viewer, product, "v2"));
        Assert.Equal(Permissions.ForbiddenCode, save.Code);
        var current = (await configs.CurrentAsync(product.Id))!;
        var push = Assert.Throws<IotException>(() => server.Services.GetRequiredService<ConfigDelivery>().Push(viewer, product, current));
        Assert.Equal(Permissions.ForbiddenCode, push.Code);
        Assert.Equal(0, server.Services.GetRequiredService<ConfigDelivery>().Push(Caller.User(1, 998, Role.Developer), product, current));

        Assert.Equal("v1", (await StatusAsync(rest, productKey)).At("current.content").GetString());
    }
}
