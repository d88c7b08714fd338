// The rules engine's SQL on its own: what parses and what each part makes of a property-post message, and the
// position reported for what does not parse.
using System.Text.Json.Nodes;
using Thingyard.Rules.Sql;

namespace Thingyard.Tests.Rules;

public sealed class RuleSqlTests
{
    const string Topic = "/sys/a1pk/dev1/thing/event/property/post";

    static readonly SqlMessage Post = new(Topic, JsonNode.Parse("""
        {"iotId":"i1","productKey":"a1pk","deviceName":"dev1","gmtCreate":1700000000000,
         "items":{"Temperature":{"value":38.5,"time":1700000000000},"Mode":{"value":"eco","time":1700000000000}},
         "list":[10,20,30],"text":"42"}
        """), "a1pk", "dev1", "77", 1_700_000_000_000);

    static JsonObject Run(string sql, out bool matched)
    {
        var statement = RuleSql.Parse(sql);
        matched = SqlEvaluator.Matches(statement, Post);
        return SqlEvaluator.Select(statement, Post);
    }

    [Fact]
    public void Select_takes_paths_aliases_functions_and_arithmetic()
    {
        var output = Run($"""
            SELECT deviceName() as dn, productKey() pk, items.Temperature.value AS t, items.Temperature.value * 2 + 1 as twice,
                   topic(2) as pkLevel, topic() as whole, timestamp() as ts, list[1] as second, items.Mode.value, concat(deviceName(), '-', upper(items.Mode.value)) as label,
                   round(items.Temperature.value / 3, 2) as third, messageId() as id, 'it''s' as quote, missing.field as gone
            FROM "/sys/a1pk/+/thing/event/property/post"
            """, out var matched);
        Assert.True(matched);
        Assert.Equal("""{"dn":"dev1","pk":"a1pk","t":38.5,"twice":78,"pkLevel":"a1pk","whole":"/sys/a1pk/dev1/thing/event/property/post","ts":1700000000000,"second":20,"value":"eco","label":"dev1-ECO","third":12.83,"id":"77","quote":"it\u0027s","gone":null}""",
            output.ToJsonString());
    }

    [Fact]
    public void Star_copies_the_message_and_more_items_follow_it()
    {
        var output = Run("""select *, deviceName() as dn from "/sys/a1pk/+/thing/event/property/post" """, out _);
        Assert.Equal("i1", output["iotId"]!.GetValue<string>());
        Assert.Equal(38.5, output["items"]!["Temperature"]!["value"]!.GetValue<double>());
        Assert.Equal("dev1", output["dn"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("items.Temperature.value > 38", true)]
    [InlineData("items.Temperature.value > 38.5", false)]
    [InlineData("items.Temperature.value >= 38.5 AND items.Mode.value = 'eco'", true)]
    [InlineData("items.Temperature.value < 0 OR items.Mode.value <> 'eco'", false)]
    [InlineData("NOT (items.Temperature.value < 0)", true)]
    [InlineData("items.Missing.value IS NULL", true)]
    [InlineData("items.Missing.value IS NOT NULL", false)]
    [InlineData("items.Missing.value > 1", false)]
    [InlineData("items.Mode.value IN ('eco', 'turbo')", true)]
    [InlineData("items.Mode.value NOT IN ('eco', 'turbo')", false)]
    [InlineData("deviceName() LIKE 'dev%'", true)]
    [InlineData("deviceName() LIKE 'de_'", false)]
    [InlineData("text = 42", true)]
    [InlineData("list[0] + list[2] = 40 and -list[0] = -10", true)]
    [InlineData("topic(3) = 'dev1'", true)]
    [InlineData("mod(list[2], 7) = 2", true)]
    public void Where_decides_what_matches(string where, bool expected)
    {
        Run($"""SELECT * FROM "{Topic}" WHERE {where}""", out var matched);
        Assert.Equal(expected, matched);
    }

    [Theory]
    [InlineData("SELECT a FORM \"/t\"", 1, 15, "from")]
    [InlineData("SELECT a,, b FROM \"/t\"", 1, 10, ",")]
    [InlineData("SELECT a FROM \"/t\" WHERE a >", 1, 29, "end of input")]
    [InlineData("SELECT a FROM \"/t\" WHERE a = 'open", 1, 30, "")]
    [InlineData("SELECT a FROM \"/t\"\nWHERE nosuch(a) = 1", 2, 7, "unknown function nosuch()")]
    [InlineData("SELECT topic(1, 2) FROM \"/t\"", 1, 8, "topic() takes 0 to 1 arguments, not 2")]
    [InlineData("SELECT a FROM \"/t\" WHERE a = 1 b", 1, 32, "b")]
    public void Bad_sql_is_refused_with_the_position_of_the_error(string sql, int line, int column, string mentions)
    {
        var e = Assert.Throws<RuleSqlException>(() => RuleSql.Parse(sql));
        Assert.Equal(line, e.Line);
        Assert.Equal(column, e.Column);
        Assert.Contains(mentions, e.Problem);
    }

    [Theory]
    [InlineData("""{"a":[1,2,{"b":null}]}""", true)]
    [InlineData("42", true)]
    [InlineData("not json", false)]
    [InlineData("""{"a":1""", false)]
    [InlineData("""{"a":1} {"b":2}""", false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    public void IsJson_takes_one_whole_value_and_nothing_else(string text, bool expected) =>
        Assert.Equal(expected, SqlMessage.IsJson(System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void IsJson_refuses_nesting_deeper_than_the_engine_parses()
    {
        Assert.True(SqlMessage.IsJson(System.Text.Encoding.UTF8.GetBytes(new string('[', 64) + new string(']', 64))));
        Assert.False(SqlMessage.IsJson(System.Text.Encoding.UTF8.GetBytes(new string('[', 65) + new string(']', 65))));
    }

    [Fact]
    public void A_message_read_from_bytes_parses_its_payload_and_draws_its_id_only_when_the_rule_asks()
    {
        var json = System.Text.Encoding.UTF8.GetBytes(Post.Payload!.ToJsonString());
        var drawn = 0;
        SqlMessage Lazy() => new(Topic, json, "a1pk", "dev1", () => (++drawn).ToString(System.Globalization.CultureInfo.InvariantCulture), 1_700_000_000_000);

        // WHERE on the device alone: the id is never drawn (nor the payload needed).
        var byDevice = RuleSql.Parse("""SELECT deviceName() as dn FROM "/sys/a1pk/+/thing/event/property/post" WHERE deviceName() IN ('dev0', 'dev1')""");
        var m = Lazy();
        Assert.True(SqlEvaluator.Matches(byDevice, m));
        Assert.Equal("""{"dn":"dev1"}""", SqlEvaluator.Select(byDevice, m).ToJsonString());
        Assert.Equal(0, drawn);

        // Reading the payload and the id gives what the parsed message gives, and the id is drawn once.
        var full = RuleSql.Parse("""SELECT *, messageId() as id, messageId() as again FROM "/sys/a1pk/+/thing/event/property/post" WHERE items.Temperature.value > 30""");
        m = Lazy();
        Assert.True(SqlEvaluator.Matches(full, m));
        var output = SqlEvaluator.Select(full, m);
        Assert.Equal(1, drawn);
        Assert.Equal("1", output["id"]!.GetValue<string>());
        Assert.Equal("1", output["again"]!.GetValue<string>());
        Assert.Equal(38.5, output["items"]!["Temperature"]!["value"]!.GetValue<double>());
    }
}
