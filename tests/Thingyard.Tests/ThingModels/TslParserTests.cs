// TslParser: each class of invalid TSL is refused with the precise JSON path, and every problem is reported at once.
using Thingyard.ThingModels;
using static Thingyard.Tests.ThingModels.TslSamples;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Tests.ThingModels;

public sealed class TslParserTests
{
    static IReadOnlyList<string> Errors(string json) => Assert.Throws<TslValidationException>(() => TslParser.Parse(json)).Errors;

    static void FailsWith(string json, string expected)
    {
        var errors = Errors(json);
        Assert.Contains(expected, errors);
    }

    [Fact]
    public void Full_document_parses_every_type()
    {
        var model = TslParser.Parse(Full);

        Assert.Equal(10, model.Properties.Count);
        var temperature = model.Property("temperature")!;
        Assert.Equal("温度", temperature.Name);
        Assert.Equal("r", temperature.AccessMode);
        Assert.True(temperature.Required);
        Assert.Equal("room temperature", temperature.Description);
        Assert.Equal(new TslNumericSpecs(-40, 120, 0.1, "°C", "摄氏度"), temperature.DataType.Numeric);
        Assert.Equal(8, model.Property("label")!.DataType.Text!.Length);
        Assert.Equal(TslTypes.Date, model.Property("installedAt")!.DataType.Type);
        Assert.Equal("on", model.Property("power")!.DataType.Enum!.Values[1]);
        Assert.Equal(["cool", "heat", "fan"], model.Property("mode")!.DataType.Enum!.Values.OrderBy(v => v.Key).Select(v => v.Value));
        Assert.Equal(["lat", "lng", "fix"], model.Property("position")!.DataType.Struct!.Members.Select(m => m.Identifier));
        var samples = model.Property("samples")!.DataType.Array!;
        Assert.Equal(3, samples.Size);
        Assert.Equal(TslTypes.Int, samples.Item.Type);
        Assert.Equal(TslTypes.Struct, model.Property("readings")!.DataType.Array!.Item.Type);

        // The implicit post event in the document is not a feature of its own.
        var overheat = Assert.Single(model.Events);
        Assert.Equal("thing.event.overheat.post", overheat.Method);
        Assert.Equal(TslEvent.Alert, overheat.Type);
        Assert.Equal(["reboot", "diagnose"], model.Services.Select(s => s.Identifier));
        Assert.Equal("thing.service.diagnose", model.Service("diagnose")!.Method); // derived when the document omits it
        Assert.Equal(TslService.Sync, model.Service("diagnose")!.CallType);
        Assert.Null(model.Event("post"));
        Assert.Null(model.Property("nope"));
    }

    [Fact]
    public void Numbers_in_specs_may_be_json_numbers_too()
    {
        var model = TslParser.Parse(WithType("""{ "type": "int", "specs": { "min": -5, "max": 5, "step": 1 } }"""));
        Assert.Equal(new TslNumericSpecs(-5, 5, 1), model.Properties[0].DataType.Numeric);
    }

    [Fact]
    public void Missing_lists_mean_empty()
    {
        Assert.Equal(ThingModelDraft.Empty, TslParser.Parse("{}"));
    }

    [Fact]
    public void Malformed_json_is_one_root_error()
    {
        var error = Assert.Single(Errors("""{ "properties": [ """));
        Assert.StartsWith("$: not valid JSON", error);
    }

    [Fact]
    public void The_document_must_be_an_object_with_arrays()
    {
        Assert.Equal(["$: must be a JSON object with properties, events and services"], Errors("[]"));
        Assert.Equal(["properties: must be an array"], Errors("""{ "properties": {} }"""));
        Assert.Equal(["events[0]: must be an object"], Errors("""{ "events": [ 1 ] }"""));
    }

    [Fact]
    public void Unknown_type_is_named_with_its_path()
    {
        FailsWith(WithType("""{ "type": "no-such-type", "specs": {} }"""),
            "properties[0].dataType.type: unknown type 'no-such-type' (use int, float, double, text, date, bool, enum, struct or array)");
        FailsWith(Doc(Property("p1", "{}")), "properties[0].dataType.type: is required: int, float, double, text, date, bool, enum, struct or array");
        FailsWith(Doc("""{ "identifier": "p1", "name": "P", "accessMode": "r" }"""), "properties[0].dataType: is required");
    }

    [Fact]
    public void Spec_numbers_must_be_numbers()
    {
        var json = Doc(string.Join(",", Property("a", IntType()), Property("b", IntType()), Property("c", IntType(min: "low"))));
        Assert.Equal(["properties[2].dataType.specs.min: must be a number"], Errors(json));
        FailsWith(WithType("""{ "type": "float", "specs": { "max": "1" } }"""), "properties[0].dataType.specs.min: is required");
        FailsWith(WithType("""{ "type": "double" }"""), "properties[0].dataType.specs: is required: an object with min and max");
    }

    [Fact]
    public void Min_must_not_exceed_max()
    {
        Assert.Equal(["properties[0].dataType.specs.min: must not be greater than max (10)"], Errors(WithType(IntType(min: "20", max: "10"))));
    }

    [Fact]
    public void Int_specs_must_be_integers_in_range()
    {
        FailsWith(WithType(IntType(max: "10.5", step: "1")), "properties[0].dataType.specs.max: must be an integer for an int");
        FailsWith(WithType(IntType(max: "3000000000")), "properties[0].dataType.specs.max: must be within the 32-bit integer range");
        FailsWith(WithType("""{ "type": "float", "specs": { "min": "0", "max": "1e39" } }"""), "properties[0].dataType.specs.max: must be within the float range");
    }

    [Fact]
    public void Step_must_be_positive_and_fit_the_range()
    {
        Assert.Equal(["properties[0].dataType.specs.step: must be greater than 0"], Errors(WithType(IntType(step: "0"))));
        Assert.Equal(["properties[0].dataType.specs.step: must not be greater than max - min (10)"], Errors(WithType(IntType(max: "10", step: "11"))));
        Assert.Equal(["properties[0].dataType.specs.step: must be an integer for an int"], Errors(WithType(IntType(step: "0.5"))));
    }

    [Fact]
    public void Text_length_is_one_to_10240()
    {
        TslParser.Parse(WithType("""{ "type": "text", "specs": { "length": "10240" } }"""));
        Assert.Equal(["properties[0].dataType.specs.length: must be an integer from 1 to 10240"],
            Errors(WithType("""{ "type": "text", "specs": { "length": "10241" } }""")));
        Assert.Equal(["properties[0].dataType.specs.length: must be an integer from 1 to 10240"],
            Errors(WithType("""{ "type": "text", "specs": { "length": "0" } }""")));
        Assert.Equal(["properties[0].dataType.specs.length: is required"], Errors(WithType("""{ "type": "text", "specs": {} }""")));
    }

    [Fact]
    public void Bool_keys_are_exactly_zero_and_one()
    {
        var errors = Errors(WithType("""{ "type": "bool", "specs": { "0": "off", "2": "on" } }"""));
        Assert.Equal(["properties[0].dataType.specs.2: a bool has only the values 0 and 1",
            "properties[0].dataType.specs.1: the name of the value 1 is required"], errors);
        Assert.Equal(["properties[0].dataType.specs.0: must be a non-empty name"],
            Errors(WithType("""{ "type": "bool", "specs": { "0": "", "1": "on" } }""")));
    }

    [Fact]
    public void Enum_keys_are_integers_and_there_are_one_to_hundred()
    {
        Assert.Equal(["properties[0].dataType.specs.low: an enum value must be an integer"],
            Errors(WithType("""{ "type": "enum", "specs": { "low": "Low", "2": "High" } }""")));
        Assert.Equal(["properties[0].dataType.specs: must define at least one value"], Errors(WithType("""{ "type": "enum", "specs": {} }""")));
        var many = string.Join(",", Enumerable.Range(0, 101).Select(i => $"\"{i}\":\"v{i}\""));
        Assert.Equal(["properties[0].dataType.specs: at most 100 values are allowed (found 101)"],
            Errors(WithType($$"""{ "type": "enum", "specs": { {{many}} } }""")));
        TslParser.Parse(WithType("""{ "type": "enum", "specs": { "-1": "unknown", "0": "zero" } }"""));
    }

    [Fact]
    public void Array_size_is_one_to_512_and_items_have_allowed_types()
    {
        Assert.Equal(["properties[0].dataType.specs.size: must be an integer from 1 to 512"],
            Errors(WithType("""{ "type": "array", "specs": { "size": "513", "item": { "type": "int" } } }""")));
        Assert.Equal(["properties[0].dataType.specs.size: must be an integer from 1 to 512"],
            Errors(WithType("""{ "type": "array", "specs": { "size": "0", "item": { "type": "int" } } }""")));
        Assert.Equal(["properties[0].dataType.specs.item.type: an array item must be int, float, double, text or struct, not bool"],
            Errors(WithType("""{ "type": "array", "specs": { "size": "2", "item": { "type": "bool", "specs": { "0": "a", "1": "b" } } } }""")));
        Assert.Equal(["properties[0].dataType.specs.item: is required: {type, specs}"],
            Errors(WithType("""{ "type": "array", "specs": { "size": "2" } }""")));
    }

    [Fact]
    public void Structs_hold_valid_members_nested_at_most_two_levels()
    {
        Assert.Equal(["properties[0].dataType.specs[1].dataType.type: a struct member cannot be a struct or an array"],
            Errors(WithType("""
                { "type": "struct", "specs": [
                  { "identifier": "a", "name": "A", "dataType": { "type": "date", "specs": {} } },
                  { "identifier": "b", "name": "B", "dataType": { "type": "struct", "specs": [] } } ] }
                """)));
        Assert.Equal(["properties[0].dataType.specs.item.specs[0].dataType.type: a struct member cannot be a struct or an array"],
            Errors(WithType("""
                { "type": "array", "specs": { "size": "2", "item": { "type": "struct", "specs": [
                  { "identifier": "a", "name": "A", "dataType": { "type": "array", "specs": { "size": "2", "item": { "type": "int" } } } } ] } } }
                """)));
        Assert.Equal(["properties[0].dataType.specs[1].identifier: duplicate identifier 'a' (already used by properties[0].dataType.specs[0])"],
            Errors(WithType("""
                { "type": "struct", "specs": [
                  { "identifier": "a", "name": "A", "dataType": { "type": "date", "specs": {} } },
                  { "identifier": "a", "name": "A2", "dataType": { "type": "date", "specs": {} } } ] }
                """)));
        Assert.Equal(["properties[0].dataType.specs: a struct needs at least one member"], Errors(WithType("""{ "type": "struct", "specs": [] }""")));
        Assert.Equal(["properties[0].dataType.specs[0].dataType.specs.min: must be a number"],
            Errors(WithType("""{ "type": "struct", "specs": [ { "identifier": "a", "name": "A", "dataType": { "type": "int", "specs": { "min": "x", "max": "1" } } } ] }""")));
    }

    [Fact]
    public void Identifiers_are_unique_across_properties_events_and_services()
    {
        var json = Doc(Property("temperature", IntType()),
            """{ "identifier": "temperature", "name": "Hot", "type": "alert", "outputData": [] }""",
            """{ "identifier": "temperature", "name": "Read", "callType": "sync", "inputData": [], "outputData": [] }""");
        Assert.Equal(["events[0].identifier: duplicate identifier 'temperature' (already used by properties[0])",
            "services[0].identifier: duplicate identifier 'temperature' (already used by properties[0])"], Errors(json));
    }

    [Fact]
    public void Parameter_identifiers_are_unique_within_their_list()
    {
        var json = Doc(services: """
            { "identifier": "move", "name": "Move", "callType": "async",
              "inputData": [ { "identifier": "x", "name": "X", "dataType": { "type": "date", "specs": {} } },
                             { "identifier": "x", "name": "X again", "dataType": { "type": "date", "specs": {} } } ],
              "outputData": [ { "identifier": "x", "name": "X", "dataType": { "type": "date", "specs": {} } } ] }
            """);
        Assert.Equal(["services[0].inputData[1].identifier: duplicate identifier 'x' (already used by services[0].inputData[0])"], Errors(json));
    }

    [Theory]
    [InlineData("set")]
    [InlineData("get")]
    [InlineData("post")]
    [InlineData("property")]
    [InlineData("event")]
    [InlineData("time")]
    [InlineData("value")]
    public void Reserved_identifiers_are_refused(string identifier)
    {
        FailsWith(Doc(Property(identifier, IntType())),
            $"properties[0].identifier: '{identifier}' is reserved (set, get, post, property, event, time, value)");
    }

    [Fact]
    public void Implicit_features_are_skipped_but_their_identifiers_stay_reserved()
    {
        // The generated post/set/get (recognised by their property methods) are not features; custom ones with those names are refused.
        var json = Doc(
            events: """{ "identifier": "post", "name": "Post", "type": "info", "method": "thing.event.post.post", "outputData": [] }""",
            services: """
                { "identifier": "set", "name": "set", "callType": "async", "method": "thing.service.property.set", "inputData": [], "outputData": [] },
                { "identifier": "get", "name": "Get", "callType": "sync", "inputData": [], "outputData": [] }
                """);
        Assert.Equal(["events[0].identifier: 'post' is reserved (set, get, post, property, event, time, value)",
            "services[1].identifier: 'get' is reserved (set, get, post, property, event, time, value)"], Errors(json));
    }

    [Fact]
    public void Identifier_and_name_rules()
    {
        var tooLong = new string('a', 51);
        var json = Doc(string.Join(",",
            Property("bad-id", IntType()),
            Property(tooLong, IntType()),
            Property(new string('b', 50), IntType(), name: "_starts with underscore"),
            Property("ok1", IntType(), name: new string('n', 31)),
            """{ "name": "No id", "accessMode": "r", "dataType": { "type": "date" } }""",
            """{ "identifier": "noName", "accessMode": "r", "dataType": { "type": "date" } }"""));
        var errors = Errors(json);
        Assert.Equal([
            "properties[0].identifier: 'bad-id' must be 1 to 50 characters from letters, digits and _",
            $"properties[1].identifier: '{tooLong}' must be 1 to 50 characters from letters, digits and _",
            $"properties[2].name: '_starts with underscore' {TslRules.NameRule}",
            $"properties[3].name: '{new string('n', 31)}' {TslRules.NameRule}",
            "properties[4].identifier: is required",
            "properties[5].name: is required",
        ], errors);
        TslParser.Parse(Doc(Property("_9_lives", IntType(), name: "温度传感器 (室内) v2.0")));
    }

    [Fact]
    public void Access_mode_call_type_and_event_type_have_fixed_values()
    {
        var json = Doc(
            Property("p1", IntType(), accessMode: "w"),
            """{ "identifier": "e1", "name": "E", "type": "warning", "outputData": [] }""",
            """{ "identifier": "s1", "name": "S", "callType": "later", "inputData": [], "outputData": [] }""");
        Assert.Equal([
            "properties[0].accessMode: must be \"r\" or \"rw\"",
            "events[0].type: must be \"info\", \"alert\" or \"error\"",
            "services[0].callType: must be \"sync\" or \"async\"",
        ], Errors(json));
    }

    [Fact]
    public void Methods_must_match_the_identifier()
    {
        var json = Doc(
            events: """{ "identifier": "e1", "name": "E", "type": "info", "method": "thing.event.e2.post", "outputData": [] }""",
            services: """{ "identifier": "s1", "name": "S", "callType": "sync", "method": "thing.service.other", "inputData": [], "outputData": [] }""");
        Assert.Equal(["events[0].method: must be \"thing.event.e1.post\"", "services[0].method: must be \"thing.service.s1\""], Errors(json));
    }

    [Fact]
    public void Field_kinds_are_checked()
    {
        var json = Doc("""{ "identifier": "p1", "name": "P", "accessMode": "r", "required": "yes", "desc": 5, "dataType": { "type": "date" } }""");
        Assert.Equal(["properties[0].required: must be true or false", "properties[0].desc: must be a string"], Errors(json));
    }

    [Fact]
    public void A_module_holds_at_most_300_features()
    {
        var json = Doc(string.Join(",", Enumerable.Range(0, 301).Select(i => Property($"p{i}", """{ "type": "date" }"""))));
        Assert.Equal(["$: a thing model module holds at most 300 properties, events and services together (found 301)"], Errors(json));
    }

    [Fact]
    public void Every_problem_is_reported_and_the_message_joins_them()
    {
        var json = Doc(
            string.Join(",", Property("a", IntType(min: "x")), Property("b", """{ "type": "text", "specs": { "length": "99999" } }""")),
            """{ "identifier": "a", "name": "E", "type": "bad", "outputData": [] }""");
        var e = Assert.Throws<TslValidationException>(() => TslParser.Parse(json));
        Assert.Equal([
            "properties[0].dataType.specs.min: must be a number",
            "properties[1].dataType.specs.length: must be an integer from 1 to 10240",
            "events[0].identifier: duplicate identifier 'a' (already used by properties[0])",
            "events[0].type: must be \"info\", \"alert\" or \"error\"",
        ], e.Errors);
        Assert.Equal("Invalid TSL: " + string.Join("; ", e.Errors), e.Message);
    }
}
