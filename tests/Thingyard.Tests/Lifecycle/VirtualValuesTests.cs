// Generated values pass the platform's own value checks for every TSL data type and its specs.
using System.Text.Json;
using Thingyard.Lifecycle;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Tests.Lifecycle;

public sealed class VirtualValuesTests
{
    static readonly TslDataType[] Types =
    [
        TslDataType.Int(-5, 17, 3),
        TslDataType.Int(0, 0),
        TslDataType.Float(-40, 120, 0.1),
        TslDataType.Double(0.001, 0.009, 0.001),
        TslDataType.Double(1, 2),
        TslDataType.TextOf(3),
        TslDataType.TextOf(2048),
        TslDataType.Date(),
        TslDataType.Bool("off", "on"),
        TslDataType.EnumOf(new Dictionary<int, string> { [2] = "two", [7] = "seven" }),
        TslDataType.StructOf(new TslParam("a", "A", TslDataType.Int(1, 3, 1)), new TslParam("b", "B", TslDataType.TextOf(4))),
        TslDataType.ArrayOf(2, TslDataType.Float(null, null)),
        TslDataType.ArrayOf(10, TslDataType.StructOf(new TslParam("x", "X", TslDataType.Double(-1, 1, 0.25)))),
    ];

    [Fact]
    public void Every_generated_value_conforms_to_its_type()
    {
        var rng = new Random(7);
        foreach (var type in Types)
            for (var i = 0; i < 200; i++)
            {
                var json = VirtualValues.Of(type, rng);
                using var doc = JsonDocument.Parse(json);
                Assert.True(TslValueChecker.Check(type, doc.RootElement, "v") is null, $"{type.Type}: {json}: {TslValueChecker.Check(type, doc.RootElement, "v")}");
            }
    }

    [Fact]
    public void Numbers_stay_on_the_step_from_min()
    {
        var rng = new Random(3);
        for (var i = 0; i < 100; i++)
        {
            var n = int.Parse(VirtualValues.Of(TslDataType.Int(-5, 17, 3), rng));
            Assert.Equal(0, (n + 5) % 3);
            var f = double.Parse(VirtualValues.Of(TslDataType.Float(-40, 120, 0.1), rng), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Math.Round(f, 1), f);
        }
    }

    [Fact]
    public void Properties_use_fixed_values_where_given_and_params_cover_every_parameter()
    {
        var properties = new[]
        {
            new TslProperty("t", "T", TslProperty.ReadWrite, false, null, TslDataType.Int(0, 10)),
            new TslProperty("s", "S", TslProperty.ReadOnly, false, null, TslDataType.TextOf(5)),
        };
        using var doc = JsonDocument.Parse(VirtualValues.Properties(properties, new Random(1), new Dictionary<string, string> { ["t"] = "9" }));
        Assert.Equal(9, doc.RootElement.GetProperty("t").GetInt32());
        Assert.Equal(JsonValueKind.String, doc.RootElement.GetProperty("s").ValueKind);
        var parameters = new[] { new TslParam("p", "P", TslDataType.Bool("no", "yes")), new TslParam("q", "Q", TslDataType.Date()) };
        using var p = JsonDocument.Parse(VirtualValues.Params(parameters, new Random(1)));
        Assert.Null(TslValueChecker.CheckParams(parameters, p.RootElement, "out"));
        Assert.Equal(2, p.RootElement.EnumerateObject().Count());
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"ping":1}""")]
    [InlineData("""{"ping":{"code":"x"}}""")]
    [InlineData("""{"ping":{"delayMs":-1}}""")]
    [InlineData("""{"ping":{"output":[1]}}""")]
    [InlineData("""{"ping":{"colour":"red"}}""")]
    [InlineData("{")]
    public void Bad_replies_are_refused(string json) =>
        Assert.Equal(Thingyard.Common.IotErrors.InvalidParameter, Assert.Throws<Thingyard.Common.IotException>(() => VirtualReplies.Parse(json)).Code);

    [Fact]
    public void Replies_default_to_200_with_generated_output()
    {
        var replies = VirtualReplies.Parse("""{"ping":{"code":100001,"message":"busy","delayMs":5,"output":{"echo":3}}}""");
        Assert.Equal(new VirtualReply(100001, "busy", 5, """{"echo":3}"""), VirtualReplies.For(replies, "ping"));
        Assert.Equal(VirtualReply.Default, VirtualReplies.For(replies, "reboot"));
    }
}
