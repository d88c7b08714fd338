// TslValueChecker: device values of each type in and out of their specs, with the path in the message.
using System.Text.Json;
using Thingyard.ThingModels;
using Thingyard.Protocol.Tsl;

namespace Thingyard.Tests.ThingModels;

public sealed class TslValueCheckerTests
{
    static readonly ThingModel Model = TslParser.Parse(TslSamples.Full);

    static string? Check(string property, string valueJson)
    {
        using var doc = JsonDocument.Parse(valueJson);
        return TslValueChecker.Check(Model.Property(property)!.DataType, doc.RootElement, property);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100")]
    [InlineData("57")]
    public void Int_in_range_conforms(string value) => Assert.Null(Check("humidity", value));

    [Theory]
    [InlineData("101", "humidity: 101 is above max 100")]
    [InlineData("-1", "humidity: -1 is below min 0")]
    [InlineData("5.5", "humidity: 5.5 is not an integer")]
    [InlineData("\"5\"", "humidity: must be an integer, not a string")]
    [InlineData("true", "humidity: must be an integer, not a boolean")]
    [InlineData("3000000000", "humidity: 3000000000 is outside the 32-bit integer range")]
    public void Int_out_of_spec_is_refused(string value, string expected) => Assert.Equal(expected, Check("humidity", value));

    [Theory]
    [InlineData("-40")]
    [InlineData("120")]
    [InlineData("21.5")]
    [InlineData("22")] // an integral number is fine for a float
    public void FloatInRangeConforms(string value) => Assert.Null(Check("temperature", value));

    [Theory]
    [InlineData("120.01", "temperature: 120.01 is above max 120")]
    [InlineData("-40.5", "temperature: -40.5 is below min -40")]
    [InlineData("\"21.5\"", "temperature: must be a number, not a string")]
    [InlineData("null", "temperature: must be a number, not null")]
    public void Float_out_of_spec_is_refused(string value, string expected) => Assert.Equal(expected, Check("temperature", value));

    [Fact]
    public void Double_checks_its_range()
    {
        Assert.Null(Check("energy", "123456.789"));
        Assert.Equal("energy: 1e10 is above max 1000000000", Check("energy", "1e10"));
        Assert.Equal("energy: -0.001 is below min 0", Check("energy", "-0.001"));
    }

    [Fact]
    public void Text_is_a_string_within_its_length()
    {
        Assert.Null(Check("label", "\"12345678\""));
        Assert.Null(Check("label", "\"温度温度温度温度\"")); // 8 characters, 24 bytes
        Assert.Null(Check("label", "\"\\u0041\\u0042\\u0043\\u0044\\u0045\\u0046\\u0047\\u0048\"")); // escaped, 8 characters
        Assert.Equal("label: is 9 characters long, more than the length 8", Check("label", "\"123456789\""));
        Assert.Equal("label: must be a string, not a number", Check("label", "12"));
    }

    [Fact]
    public void Date_is_utc_milliseconds_as_string_or_number()
    {
        Assert.Null(Check("installedAt", "\"1700000000000\""));
        Assert.Null(Check("installedAt", "1700000000000"));
        Assert.Equal("installedAt: \"2024-01-01\" is not a UTC timestamp in milliseconds", Check("installedAt", "\"2024-01-01\""));
        Assert.Equal("installedAt: -5 is not a UTC timestamp in milliseconds", Check("installedAt", "-5"));
        Assert.Equal("installedAt: 1.5 is not a UTC timestamp in milliseconds", Check("installedAt", "1.5"));
    }

    [Fact]
    public void Bool_is_the_integer_0_or_1()
    {
        Assert.Null(Check("power", "0"));
        Assert.Null(Check("power", "1"));
        Assert.Equal("power: 2 is not a bool value (0 or 1)", Check("power", "2"));
        Assert.Equal("power: true is not a bool value (0 or 1)", Check("power", "true"));
        Assert.Equal("power: \"1\" is not a bool value (0 or 1)", Check("power", "\"1\""));
    }

    [Fact]
    public void Enum_is_one_of_the_defined_integers()
    {
        Assert.Null(Check("mode", "2"));
        Assert.Equal("mode: 4 is not one of the enum values (1, 2, 3)", Check("mode", "4"));
        Assert.Equal("mode: \"heat\" is not an enum value (an integer)", Check("mode", "\"heat\""));
    }

    [Fact]
    public void Struct_members_conform_and_may_be_missing()
    {
        Assert.Null(Check("position", """{ "lat": 30.1, "lng": 120.2, "fix": 1 }"""));
        Assert.Null(Check("position", """{ "lat": 30.1 }"""));
        Assert.Equal("position.lat: 91 is above max 90", Check("position", """{ "lat": 91, "lng": 0 }"""));
        Assert.Equal("position.alt: is not a defined struct member", Check("position", """{ "alt": 5 }"""));
        Assert.Equal("position: must be an object, not an array", Check("position", "[]"));
    }

    [Fact]
    public void Arrays_hold_at_most_size_conforming_items()
    {
        Assert.Null(Check("samples", "[]"));
        Assert.Null(Check("samples", "[1, 2, 3]"));
        Assert.Equal("samples: has 4 items, more than the size 3", Check("samples", "[1, 2, 3, 4]"));
        Assert.Equal("samples[1]: 2.5 is not an integer", Check("samples", "[1, 2.5]"));
        Assert.Equal("samples: must be an array, not a number", Check("samples", "1"));
        Assert.Null(Check("readings", """[ { "at": "1700000000000", "v": 9.5 } ]"""));
        Assert.Equal("readings[0].v: 11 is above max 10", Check("readings", """[ { "at": 1, "v": 11 } ]"""));
    }

    [Fact]
    public void Params_are_checked_by_identifier_and_unknown_keys_reported()
    {
        var reboot = Model.Service("reboot")!;
        using var ok = JsonDocument.Parse("""{ "delay": 30 }""");
        using var tooLong = JsonDocument.Parse("""{ "delay": 61 }""");
        using var unknown = JsonDocument.Parse("""{ "delay": 1, "force": true }""");
        using var notObject = JsonDocument.Parse("[1]");

        Assert.Null(TslValueChecker.CheckParams(reboot.InputData, ok.RootElement, "params"));
        Assert.Null(TslValueChecker.CheckParams(reboot.InputData, JsonDocument.Parse("{}").RootElement, "params"));
        Assert.Equal("params.delay: 61 is above max 60", TslValueChecker.CheckParams(reboot.InputData, tooLong.RootElement, "params"));
        Assert.Equal("delay: 61 is above max 60", TslValueChecker.CheckParams(reboot.InputData, tooLong.RootElement, ""));
        Assert.Equal("params.force: is not a defined parameter", TslValueChecker.CheckParams(reboot.InputData, unknown.RootElement, "params"));
        Assert.Equal("params: must be an object, not an array", TslValueChecker.CheckParams(reboot.InputData, notObject.RootElement, "params"));
    }

    [Fact]
    public void Conforming_values_allocate_nothing()
    {
        using var doc = JsonDocument.Parse("""{ "temperature": 21.5, "humidity": 40, "label": "abc", "installedAt": "1700000000000", "power": 1, "mode": 2, "position": { "lat": 1, "lng": 2, "fix": 0 }, "samples": [1,2,3] }""");
        var properties = Model.Properties.ToDictionary(p => p.Identifier);
        void CheckAll()
        {
            foreach (var member in doc.RootElement.EnumerateObject())
                Assert.Null(TslValueChecker.Check(properties[member.Name].DataType, member.Value, "x"));
        }
        CheckAll();
        var names = doc.RootElement.EnumerateObject().Select(m => (properties[m.Name].DataType, m.Value)).ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        foreach (var (type, value) in names) TslValueChecker.Check(type, value, "x");
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
