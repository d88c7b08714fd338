// TSL documents the thing model tests share: a valid one using every data type, and builders for one-feature documents.
namespace Thingyard.Tests.ThingModels;

public static class TslSamples
{
    /// <summary>A valid full document with every data type, a custom event and two custom services.</summary>
    public const string Full = """
        {
          "schema": "https://iotx-tsl.oss-ap-southeast-1.aliyuncs.com/schema.json",
          "profile": { "productKey": "a1TestProd1" },
          "properties": [
            { "identifier": "temperature", "name": "温度", "accessMode": "r", "required": true, "desc": "room temperature",
              "dataType": { "type": "float", "specs": { "min": "-40", "max": "120", "step": "0.1", "unit": "°C", "unitName": "摄氏度" } } },
            { "identifier": "humidity", "name": "Humidity", "accessMode": "rw", "required": false,
              "dataType": { "type": "int", "specs": { "min": "0", "max": "100", "step": "1", "unit": "%" } } },
            { "identifier": "energy", "name": "Energy", "accessMode": "r",
              "dataType": { "type": "double", "specs": { "min": "0", "max": "1000000000", "step": "0.001" } } },
            { "identifier": "label", "name": "Label", "accessMode": "rw",
              "dataType": { "type": "text", "specs": { "length": "8" } } },
            { "identifier": "installedAt", "name": "Installed at", "accessMode": "r",
              "dataType": { "type": "date", "specs": {} } },
            { "identifier": "power", "name": "Power", "accessMode": "rw",
              "dataType": { "type": "bool", "specs": { "0": "off", "1": "on" } } },
            { "identifier": "mode", "name": "Mode", "accessMode": "rw",
              "dataType": { "type": "enum", "specs": { "1": "cool", "2": "heat", "3": "fan" } } },
            { "identifier": "position", "name": "Position", "accessMode": "r",
              "dataType": { "type": "struct", "specs": [
                { "identifier": "lat", "name": "Latitude", "dataType": { "type": "double", "specs": { "min": "-90", "max": "90" } } },
                { "identifier": "lng", "name": "Longitude", "dataType": { "type": "double", "specs": { "min": "-180", "max": "180" } } },
                { "identifier": "fix", "name": "Fix", "dataType": { "type": "bool", "specs": { "0": "no", "1": "yes" } } }
              ] } },
            { "identifier": "samples", "name": "Samples", "accessMode": "r",
              "dataType": { "type": "array", "specs": { "size": "3", "item": { "type": "int" } } } },
            { "identifier": "readings", "name": "Readings", "accessMode": "r",
              "dataType": { "type": "array", "specs": { "size": "4", "item": { "type": "struct", "specs": [
                { "identifier": "at", "name": "At", "dataType": { "type": "date", "specs": {} } },
                { "identifier": "v", "name": "Value", "dataType": { "type": "float", "specs": { "min": "0", "max": "10" } } }
              ] } } } }
          ],
          "events": [
            { "identifier": "post", "name": "post", "type": "info", "required": true, "method": "thing.event.property.post", "outputData": [] },
            { "identifier": "overheat", "name": "Overheat", "type": "alert", "required": false, "desc": "too hot",
              "method": "thing.event.overheat.post",
              "outputData": [ { "identifier": "temperature", "name": "Temperature",
                                "dataType": { "type": "float", "specs": { "min": "-40", "max": "120" } } } ] }
          ],
          "services": [
            { "identifier": "reboot", "name": "Reboot", "callType": "async", "method": "thing.service.reboot",
              "inputData": [ { "identifier": "delay", "name": "Delay", "dataType": { "type": "int", "specs": { "min": "0", "max": "60", "unit": "s" } } } ],
              "outputData": [] },
            { "identifier": "diagnose", "name": "Diagnose", "callType": "sync",
              "inputData": [],
              "outputData": [ { "identifier": "report", "name": "Report", "dataType": { "type": "text", "specs": { "length": "1024" } } } ] }
          ]
        }
        """;

    /// <summary>A property JSON object with the given identifier, access mode and dataType JSON.</summary>
    public static string Property(string identifier, string dataType, string accessMode = "rw", string? name = null) =>
        $$"""{ "identifier": "{{identifier}}", "name": "{{name ?? "Feature"}}", "accessMode": "{{accessMode}}", "required": false, "dataType": {{dataType}} }""";

    public static string IntType(string min = "0", string max = "100", string step = "1") =>
        $$"""{ "type": "int", "specs": { "min": "{{min}}", "max": "{{max}}", "step": "{{step}}" } }""";

    /// <summary>A document with these properties, events and services (each a JSON array body).</summary>
    public static string Doc(string properties = "", string events = "", string services = "") =>
        $$"""{ "properties": [ {{properties}} ], "events": [ {{events}} ], "services": [ {{services}} ] }""";

    /// <summary>A document with one property whose dataType is given.</summary>
    public static string WithType(string dataType) => Doc(Property("p1", dataType));
}
