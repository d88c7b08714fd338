// Reads TSL JSON into a ThingModel, validating everything and reporting every problem with its JSON path.
using System.Text.Json;

namespace Thingyard.Protocol.Tsl;

public static class TslParser
{
    static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>
    /// Parses a full TSL document ({"schema", "profile", "properties", "events", "services"}). The implicit post event and
    /// set/get services are skipped; "schema", "profile" and unknown keys are ignored.
    /// </summary>
    /// <exception cref="TslValidationException">The JSON is malformed or breaks any TSL rule; every problem is listed.</exception>
    public static ThingModel Parse(string tslJson)
    {
        var errors = new List<string>();
        var model = Read(tslJson, errors);
        if (errors.Count > 0) throw new TslValidationException(errors);
        return model!;
    }

    /// <summary>
    /// Parses the ThingModelJson parameter of CreateThingModel/UpdateThingModel ({"properties", "events", "services"}, with
    /// "_ppk", "productKey" and other keys ignored). The rules are those of a full document.
    /// </summary>
    public static ThingModel ParseFeatures(string thingModelJson) => Parse(thingModelJson);

    static ThingModel? Read(string json, List<string> errors)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException e)
        {
            errors.Add($"$: not valid JSON: {e.Message}");
            return null;
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                errors.Add("$: must be a JSON object with properties, events and services");
                return null;
            }
            return new TslReader(errors).ReadModel(doc.RootElement);
        }
    }
}
