// `thingyard product topic list|create|update|delete` against a live server: the default classes listed, a class
// created, changed and deleted, and refusals a user can act on.
using System.Text.RegularExpressions;
using Thingyard.Tests.Infrastructure;
using Thingyard.Tests.Registry;

namespace Thingyard.Tests.Cli;

public sealed partial class ProductTopicCliTests(ThingyardServer server) : IClassFixture<ThingyardServer>
{
    [GeneratedRegex(@"^topic class (\d+) created: ")]
    private static partial Regex CreatedLine();

    [Fact]
    public async Task Topic_classes_are_listed_created_updated_and_deleted()
    {
        var pk = await server.NewProductAsync();
        var list = await CliRun.RunAsync(server, "product", "topic", "list", pk);
        Assert.Equal(0, list.Code);
        var lines = list.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^TOPIC ID\s+TOPIC CLASS\s+OPERATION\s+DESCRIPTION", lines[0]);
        Assert.Matches($@"^\d+\s+/{pk}/\$\{{deviceName\}}/user/update\s+PUB", lines[1]);
        Assert.Matches($@"/user/get\s+SUB", lines[3]);

        var created = await CliRun.RunAsync(server, "product", "topic", "create", pk, "cmd/+", "--operation", "SUB", "--desc", "commands");
        Assert.True(created.Code == 0, created.Err);
        var id = CreatedLine().Match(created.Out).Groups[1].Value;
        Assert.NotEqual("", id);
        var info = (await server.Call("QueryProductTopic", ("ProductKey", pk))).At("Data.ProductTopicInfo").EnumerateArray().Single(i => i.Str("Id") == id);
        Assert.Equal((($"/{pk}/${{deviceName}}/user/cmd/+"), "1", "commands"), (info.Str("TopicShortName"), info.Str("Operation"), info.Str("Desc")));

        var updated = await CliRun.RunAsync(server, "product", "topic", "update", id, "cmd", "--operation", "ALL");
        Assert.Equal($"topic class {id} updated", updated.Out.Trim());
        Assert.Matches($@"(?m)^{id}\s+/{pk}/\$\{{deviceName\}}/user/cmd\s+ALL\s+commands", (await CliRun.RunAsync(server, "product", "topic", "list", pk)).Out);

        var deleted = await CliRun.RunAsync(server, "product", "topic", "delete", id);
        Assert.Equal($"topic class {id} deleted", deleted.Out.Trim());
        Assert.DoesNotContain("/user/cmd", (await CliRun.RunAsync(server, "product", "topic", "list", pk)).Out);
    }

    [Fact]
    public async Task Refusals_read_as_one_error_line()
    {
        var pk = await server.NewProductAsync();
        var wildcard = await CliRun.RunAsync(server, "product", "topic", "create", pk, "up/#", "--operation", "PUB");
        Assert.Equal(1, wildcard.Code);
        Assert.Contains("iot.messagebroker.InvalidFormattedTopicName", wildcard.Err);
        Assert.Contains("only a SUB class may use", wildcard.Err);

        var badOperation = await CliRun.RunAsync(server, "product", "topic", "create", pk, "x", "--operation", "READ");
        Assert.NotEqual(0, badOperation.Code);
        Assert.Contains("READ", badOperation.Err);

        var unknown = await CliRun.RunAsync(server, "product", "topic", "delete", "987654321");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("iot.topic.NotExistedTopicClass", unknown.Err);
    }
}
