// Custom topic classes through the OpenAPI, in the platform's shapes: a new product has the default classes; classes
// are created, listed, changed and deleted; bad names, operations and descriptions, duplicates, the limit, the
// default classes' protection, unsupported options and another account's product or class are refused.
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Thingyard.Storage;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;
using Thingyard.Topics;

namespace Thingyard.Tests.Topics;

public sealed class TopicClassActionTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    static (string, string)[] Create(string pk, string name, string op, params (string, string)[] more) =>
        [("ProductKey", pk), ("TopicShortName", name), ("Operation", op), .. more];

    [Fact]
    public async Task A_new_product_has_the_default_classes_in_the_platforms_shape()
    {
        var pk = await server.NewProductAsync();
        var response = await server.Call("QueryProductTopic", ("ProductKey", pk));
        Assert.True(response.GetProperty("Success").GetBoolean());
        var infos = response.At("Data.ProductTopicInfo");
        Assert.Equal([$"/{pk}/${{deviceName}}/user/update", $"/{pk}/${{deviceName}}/user/update/error", $"/{pk}/${{deviceName}}/user/get"],
            infos.Pluck("TopicShortName"));
        Assert.Equal(["0", "0", "1"], infos.Pluck("Operation"));
        Assert.All(infos.EnumerateArray(), i =>
        {
            Assert.Equal(pk, i.Str("ProductKey"));
            Assert.Matches("^[0-9]+$", i.Str("Id"));
            Assert.Equal(System.Text.Json.JsonValueKind.String, i.GetProperty("Id").ValueKind);
            Assert.False(i.GetProperty("EnableProxySubscribe").GetBoolean());
        });
    }

    [Fact]
    public async Task A_class_is_created_changed_and_deleted()
    {
        var pk = await server.NewProductAsync();
        var created = await server.Call("CreateProductTopic", Create(pk, "data/report", "PUB", ("Desc", "readings")));
        var id = created.GetProperty("TopicId").GetInt64();
        var info = await InfoAsync(pk, id);
        Assert.Equal($"/{pk}/${{deviceName}}/user/data/report", info.Str("TopicShortName"));
        Assert.Equal("0", info.Str("Operation"));
        Assert.Equal("readings", info.Str("Desc"));

        // The full form QueryProductTopic shows is accepted too.
        await server.Call("UpdateProductTopic", ("TopicId", id.ToString()), ("TopicShortName", $"/{pk}/${{deviceName}}/user/cmd/+"),
            ("Operation", "SUB"), ("Desc", "commands"));
        info = await InfoAsync(pk, id);
        Assert.Equal($"/{pk}/${{deviceName}}/user/cmd/+", info.Str("TopicShortName"));
        Assert.Equal("1", info.Str("Operation"));
        Assert.Equal("commands", info.Str("Desc"));

        await server.Call("UpdateProductTopic", ("TopicId", id.ToString()), ("TopicShortName", "cmd"), ("Operation", "ALL"));
        info = await InfoAsync(pk, id);
        Assert.Equal("2", info.Str("Operation"));
        Assert.Equal("commands", info.Str("Desc")); // Desc left out: kept

        await server.Call("DeleteProductTopic", ("TopicId", id.ToString()));
        var ids = (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").Pluck("Id");
        Assert.DoesNotContain(id.ToString(), ids);
        Assert.Equal(3, ids.Count);
        var gone = await server.Fails("DeleteProductTopic", ("TopicId", id.ToString()));
        Assert.Equal("iot.topic.NotExistedTopicClass", gone.Code);
    }

    [Theory]
    [InlineData("", "PUB", "MissingParameter")] // missing, as the gateway answers it
    [InlineData("a//b", "PUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("a/", "PUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("sp ace", "PUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("da-sh", "SUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("a/+", "PUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("a/#", "ALL", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("#/a", "SUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("a+b", "SUB", "iot.messagebroker.InvalidFormattedTopicName")]
    [InlineData("ok", "READ", "iot.common.InvalidFormattedParameter")]
    [InlineData("ok", "pub", "iot.common.InvalidFormattedParameter")]
    public async Task Bad_names_and_operations_are_refused(string name, string op, string code)
    {
        var pk = await server.NewProductAsync();
        var e = await server.Fails("CreateProductTopic", Create(pk, name, op));
        Assert.Equal(code, e.Code);
        Assert.Equal(3, (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").GetArrayLength());
    }

    [Fact]
    public async Task Long_names_descriptions_duplicates_and_unsupported_options_are_refused()
    {
        var pk = await server.NewProductAsync();
        Assert.Equal("iot.messagebroker.InvalidFormattedTopicName", (await server.Fails("CreateProductTopic", Create(pk, new string('a', 129), "PUB"))).Code);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await server.Fails("CreateProductTopic", Create(pk, "x", "PUB", ("Desc", new string('d', 101))))).Code);
        Assert.Equal("iot.topic.AlreadyExistedTopicClass", (await server.Fails("CreateProductTopic", Create(pk, "update", "ALL"))).Code);
        var codec = await server.Fails("CreateProductTopic", Create(pk, "x", "PUB", ("Codec", "compress")));
        Assert.Contains("Codec", codec.Message);
        var proxy = await server.Fails("CreateProductTopic", Create(pk, "x", "SUB", ("EnableProxySubscribe", "true")));
        Assert.Contains("EnableProxySubscribe", proxy.Message);
        var id = await server.AddTopicClassAsync(pk, "x", "PUB");
        await server.AddTopicClassAsync(pk, "y", "PUB");
        var renamed = await server.Fails("UpdateProductTopic", ("TopicId", id.ToString()), ("TopicShortName", "y"), ("Operation", "PUB"));
        Assert.Equal("iot.topic.AlreadyExistedTopicClass", renamed.Code);
        Assert.Equal("iot.common.InvalidFormattedParameter", (await server.Fails("UpdateProductTopic", ("TopicId", "abc"), ("TopicShortName", "y"), ("Operation", "PUB"))).Code);
        Assert.Equal("iot.topic.NotExistedTopicClass", (await server.Fails("DeleteProductTopic", ("TopicId", "999999999"))).Code);
    }

    [Fact]
    public async Task A_product_has_at_most_fifty_classes()
    {
        var pk = await server.NewProductAsync();
        for (var i = 3; i < TopicClasses.MaxPerProduct; i++) await server.AddTopicClassAsync(pk, $"t{i}", "PUB");
        var e = await server.Fails("CreateProductTopic", Create(pk, "one_more", "PUB"));
        Assert.Equal("iot.topic.TooManyTopicClasses", e.Code);
    }

    [Fact]
    public async Task Default_classes_keep_their_names_and_cannot_be_deleted_but_their_operation_can_change()
    {
        var pk = await server.NewProductAsync();
        var get = (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").EnumerateArray()
            .Single(i => i.Str("TopicShortName").EndsWith("/user/get"));
        var id = get.Str("Id");
        Assert.Equal("iot.topic.DefaultTopicClassUnchangeable", (await server.Fails("DeleteProductTopic", ("TopicId", id))).Code);
        Assert.Equal("iot.topic.DefaultTopicClassUnchangeable",
            (await server.Fails("UpdateProductTopic", ("TopicId", id), ("TopicShortName", "got"), ("Operation", "SUB"))).Code);
        await server.Call("UpdateProductTopic", ("TopicId", id), ("TopicShortName", "get"), ("Operation", "ALL"), ("Desc", "both ways"));
        Assert.Equal("2", (await InfoAsync(pk, long.Parse(id))).Str("Operation"));
    }

    [Fact]
    public async Task Another_accounts_product_and_classes_are_not_found()
    {
        var pk = await server.NewProductAsync();
        var id = (await server.AddTopicClassAsync(pk, "mine", "PUB")).ToString();
        var other = await server.NewAccountAsync(RegistryCalls.Unique("tc"));
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "QueryProductTopic", ("ProductKey", pk))).Code);
        Assert.Equal("iot.prod.NotExistedProduct", (await server.FailsAs(other, "CreateProductTopic", Create(pk, "theirs", "PUB"))).Code);
        var missing = await server.FailsAs(other, "UpdateProductTopic", ("TopicId", "987654321"), ("TopicShortName", "x"), ("Operation", "PUB"));
        var hidden = await server.FailsAs(other, "UpdateProductTopic", ("TopicId", id), ("TopicShortName", "x"), ("Operation", "PUB"));
        Assert.Equal(missing.Code, hidden.Code);
        Assert.Equal("iot.topic.NotExistedTopicClass", (await server.FailsAs(other, "DeleteProductTopic", ("TopicId", id))).Code);
        Assert.Contains(id, (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").Pluck("Id"));
    }

    [Fact]
    public async Task Products_without_classes_get_the_defaults_once_at_start()
    {
        var pk = await server.NewProductAsync();
        var extra = await server.AddTopicClassAsync(pk, "kept", "SUB");
        var dbs = server.Services.GetRequiredService<IDbContextFactory<ThingyardDb>>();
        await using (var db = await dbs.CreateDbContextAsync())
        {
            var productId = await db.Products.Where(p => p.ProductKey == pk).Select(p => p.Id).SingleAsync();
            await db.ProductTopicClasses.Where(t => t.ProductId == productId && t.IsDefault).ExecuteDeleteAsync(); // as before topic classes
        }
        Assert.True(await TopicClasses.AddMissingDefaultsAsync(dbs, TimeProvider.System) >= 1);
        Assert.Equal(0, await TopicClasses.AddMissingDefaultsAsync(dbs, TimeProvider.System));
        var ids = (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo");
        Assert.Equal(4, ids.GetArrayLength());
        Assert.Contains(extra.ToString(), ids.Pluck("Id"));
    }

    async Task<System.Text.Json.JsonElement> InfoAsync(string pk, long id) =>
        (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").EnumerateArray().Single(i => i.Str("Id") == id.ToString());
}
