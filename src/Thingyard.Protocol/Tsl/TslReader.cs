// The validating reader behind TslParser: walks the JSON once, building the model and collecting every error with its path.
using System.Globalization;
using System.Text.Json;

namespace Thingyard.Protocol.Tsl;

internal sealed class TslReader(List<string> errors)
{
    /// <summary>Where a data type sits, which decides the types and specs it may have (nesting is at most two levels).</summary>
    enum Place { Top, StructMember, ArrayItem }

    static readonly TslDataType Invalid = new("invalid");

    // Identifier -> path of the feature that first used it.
    readonly Dictionary<string, string> _features = new(StringComparer.Ordinal);

    public ThingModel ReadModel(JsonElement root)
    {
        var properties = new List<TslProperty>();
        var events = new List<TslEvent>();
        var services = new List<TslService>();
        foreach (var (item, path) in Items(root, "properties", ""))
            if (ReadProperty(item, path) is { } p) properties.Add(p);
        foreach (var (item, path) in Items(root, "events", ""))
            if (ReadEvent(item, path) is { } e) events.Add(e);
        foreach (var (item, path) in Items(root, "services", ""))
            if (ReadService(item, path) is { } s) services.Add(s);
        var count = properties.Count + events.Count + services.Count;
        if (count > ThingModel.MaxFeatures)
            Error("$", $"a thing model module holds at most {ThingModel.MaxFeatures} properties, events and services together (found {count})");
        return new ThingModel(properties, events, services);
    }

    TslProperty? ReadProperty(JsonElement p, string path)
    {
        if (!IsObject(p, path)) return null;
        var identifier = FeatureIdentifier(p, path);
        var name = Name(p, path);
        var accessMode = OptionalString(p, "accessMode", path);
        if (accessMode is not (TslProperty.ReadOnly or TslProperty.ReadWrite))
            Error(path + ".accessMode", "must be \"r\" or \"rw\"");
        var required = Bool(p, "required", path);
        var desc = Description(p, path);
        var dataType = DataType(p, path, Place.Top);
        return new TslProperty(identifier, name, accessMode ?? "", required, desc, dataType);
    }

    TslEvent? ReadEvent(JsonElement e, string path)
    {
        if (!IsObject(e, path)) return null;
        var method = OptionalString(e, "method", path);
        if (RawIdentifier(e) == TslEvent.PostIdentifier && method == TslEvent.PostMethod) return null; // implicit; the writer regenerates it
        var identifier = FeatureIdentifier(e, path);
        var name = Name(e, path);
        var type = OptionalString(e, "type", path);
        if (type is not (TslEvent.Info or TslEvent.Alert or TslEvent.Error))
            Error(path + ".type", "must be \"info\", \"alert\" or \"error\"");
        var expected = TslEvent.MethodFor(identifier);
        if (method is not null && method != expected && TslRules.IsValidIdentifier(identifier))
            Error(path + ".method", $"must be \"{expected}\"");
        var required = Bool(e, "required", path);
        var desc = Description(e, path);
        var output = Params(e, "outputData", path, TslRules.MaxEventOutputs);
        return new TslEvent(identifier, name, type ?? "", expected, output, required, desc);
    }

    TslService? ReadService(JsonElement s, string path)
    {
        if (!IsObject(s, path)) return null;
        var method = OptionalString(s, "method", path);
        var raw = RawIdentifier(s);
        if ((raw == TslService.SetIdentifier && method == TslService.SetMethod) || (raw == TslService.GetIdentifier && method == TslService.GetMethod))
            return null; // implicit; the writer regenerates it
        var identifier = FeatureIdentifier(s, path);
        var name = Name(s, path);
        var callType = OptionalString(s, "callType", path);
        if (callType is not (TslService.Sync or TslService.Async))
            Error(path + ".callType", "must be \"sync\" or \"async\"");
        var expected = TslService.MethodFor(identifier);
        if (method is not null && method != expected && TslRules.IsValidIdentifier(identifier))
            Error(path + ".method", $"must be \"{expected}\"");
        var required = Bool(s, "required", path);
        var desc = Description(s, path);
        var input = Params(s, "inputData", path, TslRules.MaxServiceInputs);
        var output = Params(s, "outputData", path, TslRules.MaxServiceOutputs);
        return new TslService(identifier, name, callType ?? "", expected, input, output, required, desc);
    }

    /// <summary>An array of parameters (event outputs, service inputs or outputs, struct members) with unique identifiers.</summary>
    List<TslParam> Params(JsonElement owner, string key, string ownerPath, int max, Place place = Place.Top)
    {
        var list = new List<TslParam>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, path) in Items(owner, key, ownerPath))
        {
            if (ReadParam(item, path, place) is not { } param) continue;
            if (param.Identifier.Length > 0 && !seen.TryAdd(param.Identifier, path))
                Error(path + ".identifier", $"duplicate identifier '{param.Identifier}' (already used by {seen[param.Identifier]})");
            list.Add(param);
        }
        if (list.Count > max) Error(Join(ownerPath, key), $"at most {max} entries are allowed (found {list.Count})");
        return list;
    }

    TslParam? ReadParam(JsonElement p, string path, Place place)
    {
        if (!IsObject(p, path)) return null;
        var identifier = Identifier(p, path);
        var name = Name(p, path);
        return new TslParam(identifier, name, DataType(p, path, place));
    }

    TslDataType DataType(JsonElement owner, string ownerPath, Place place)
    {
        var path = ownerPath + ".dataType";
        if (!owner.TryGetProperty("dataType", out var dt) || dt.ValueKind == JsonValueKind.Null)
        {
            Error(path, "is required");
            return Invalid;
        }
        return ReadType(dt, path, place);
    }

    TslDataType ReadType(JsonElement dt, string path, Place place)
    {
        if (!IsObject(dt, path)) return Invalid;
        if (!dt.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
        {
            Error(path + ".type", "is required: int, float, double, text, date, bool, enum, struct or array");
            return Invalid;
        }
        var type = t.GetString()!;
        if (!TslTypes.IsKnown(type))
        {
            Error(path + ".type", $"unknown type '{type}' (use int, float, double, text, date, bool, enum, struct or array)");
            return Invalid;
        }
        if (place == Place.StructMember && type is TslTypes.Struct or TslTypes.Array)
        {
            Error(path + ".type", "a struct member cannot be a struct or an array");
            return Invalid;
        }
        if (place == Place.ArrayItem && type is not (TslTypes.Int or TslTypes.Float or TslTypes.Double or TslTypes.Text or TslTypes.Struct))
        {
            Error(path + ".type", $"an array item must be int, float, double, text or struct, not {type}");
            return Invalid;
        }
        var specsPath = path + ".specs";
        JsonElement? specs = dt.TryGetProperty("specs", out var s) && s.ValueKind != JsonValueKind.Null ? s : null;
        var lenient = place == Place.ArrayItem;
        return type switch
        {
            TslTypes.Int or TslTypes.Float or TslTypes.Double => new(type, Numeric(type, specs, specsPath, lenient)),
            TslTypes.Text => new(type, Text(specs, specsPath, lenient)),
            TslTypes.Date => new(type),
            TslTypes.Bool => new(type, Bool(specs, specsPath)),
            TslTypes.Enum => new(type, Enum(specs, specsPath)),
            TslTypes.Struct => new(type, Struct(dt, path)),
            _ => new(type, Array(specs, specsPath)),
        };
    }

    TslNumericSpecs Numeric(string type, JsonElement? specs, string path, bool lenient)
    {
        if (specs is not { } s)
        {
            if (!lenient) Error(path, "is required: an object with min and max");
            return new TslNumericSpecs(null, null);
        }
        if (!IsObject(s, path)) return new TslNumericSpecs(null, null);
        var min = Number(s, "min", path, type, !lenient);
        var max = Number(s, "max", path, type, !lenient);
        var step = Number(s, "step", path, type, required: false);
        var unit = OptionalString(s, "unit", path);
        var unitName = OptionalString(s, "unitName", path);
        if (min is { } lo && max is { } hi && lo > hi)
            Error(path + ".min", $"must not be greater than max ({Format(hi)})");
        if (step is { } st)
        {
            if (st <= 0) Error(path + ".step", "must be greater than 0");
            else if (min is { } a && max is { } b && a <= b && st > b - a)
                Error(path + ".step", $"must not be greater than max - min ({Format(b - a)})");
        }
        return new TslNumericSpecs(min, max, step, unit, unitName);
    }

    /// <summary>A number in specs: a JSON string holding a number (the TSL form) or a JSON number; checked against the type.</summary>
    double? Number(JsonElement specs, string key, string specsPath, string type, bool required)
    {
        var path = specsPath + "." + key;
        if (!specs.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            if (required) Error(path, "is required");
            return null;
        }
        if (!TryNumber(v, out var d))
        {
            Error(path, "must be a number");
            return null;
        }
        if (type == TslTypes.Int)
        {
            if (d != Math.Floor(d)) { Error(path, "must be an integer for an int"); return null; }
            if (d is < int.MinValue or > int.MaxValue) { Error(path, "must be within the 32-bit integer range"); return null; }
        }
        else if (type == TslTypes.Float && Math.Abs(d) > float.MaxValue)
        {
            Error(path, "must be within the float range");
            return null;
        }
        return d;
    }

    static bool TryNumber(JsonElement v, out double d)
    {
        d = 0;
        return v.ValueKind switch
        {
            JsonValueKind.Number => v.TryGetDouble(out d) && double.IsFinite(d),
            JsonValueKind.String => double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d) && double.IsFinite(d),
            _ => false,
        };
    }

    TslTextSpecs Text(JsonElement? specs, string path, bool lenient)
    {
        if (specs is not { } s || (lenient && s.ValueKind == JsonValueKind.Object && !s.TryGetProperty("length", out _)))
        {
            if (!lenient) Error(path, "is required: an object with length");
            return new TslTextSpecs(TslTextSpecs.MaxLength);
        }
        if (!IsObject(s, path)) return new TslTextSpecs(TslTextSpecs.MaxLength);
        var length = Count(s, "length", path, 1, TslTextSpecs.MaxLength);
        return new TslTextSpecs(length ?? TslTextSpecs.MaxLength);
    }

    /// <summary>An integer in specs (length, size), given as a string or a number, within [min, max].</summary>
    int? Count(JsonElement specs, string key, string specsPath, int min, int max)
    {
        var path = specsPath + "." + key;
        if (!specs.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            Error(path, "is required");
            return null;
        }
        if (!TryNumber(v, out var d) || d != Math.Floor(d) || d < min || d > max)
        {
            Error(path, $"must be an integer from {min} to {max}");
            return null;
        }
        return (int)d;
    }

    TslEnumSpecs Bool(JsonElement? specs, string path)
    {
        var values = new Dictionary<int, string>();
        if (specs is not { ValueKind: JsonValueKind.Object } s)
        {
            Error(path, "must be an object naming the values 0 and 1, e.g. {\"0\":\"off\",\"1\":\"on\"}");
            return new TslEnumSpecs(values);
        }
        foreach (var entry in s.EnumerateObject())
        {
            var entryPath = path + "." + entry.Name;
            if (entry.Name is not ("0" or "1"))
            {
                Error(entryPath, "a bool has only the values 0 and 1");
                continue;
            }
            var name = ValueName(entry.Value, entryPath);
            if (!values.TryAdd(entry.Name == "1" ? 1 : 0, name)) Error(entryPath, "is given twice");
        }
        if (!values.ContainsKey(0)) Error(path + ".0", "the name of the value 0 is required");
        if (!values.ContainsKey(1)) Error(path + ".1", "the name of the value 1 is required");
        return new TslEnumSpecs(values);
    }

    TslEnumSpecs Enum(JsonElement? specs, string path)
    {
        var values = new Dictionary<int, string>();
        if (specs is not { ValueKind: JsonValueKind.Object } s)
        {
            Error(path, "must be an object naming each integer value, e.g. {\"1\":\"low\",\"2\":\"high\"}");
            return new TslEnumSpecs(values);
        }
        foreach (var entry in s.EnumerateObject())
        {
            var entryPath = path + "." + entry.Name;
            if (!int.TryParse(entry.Name, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            {
                Error(entryPath, "an enum value must be an integer");
                continue;
            }
            var name = ValueName(entry.Value, entryPath);
            if (!values.TryAdd(value, name)) Error(entryPath, $"the value {value} is given twice");
        }
        if (!s.EnumerateObject().Any()) Error(path, "must define at least one value");
        if (values.Count > TslEnumSpecs.MaxValues) Error(path, $"at most {TslEnumSpecs.MaxValues} values are allowed (found {values.Count})");
        return new TslEnumSpecs(values);
    }

    string ValueName(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } name) return name;
        Error(path, "must be a non-empty name");
        return "";
    }

    TslStructSpecs Struct(JsonElement dt, string path)
    {
        var specsPath = path + ".specs";
        if (!dt.TryGetProperty("specs", out var s) || s.ValueKind != JsonValueKind.Array)
        {
            Error(specsPath, "must be an array of members, each {identifier, name, dataType}");
            return new TslStructSpecs([]);
        }
        var members = Params(dt, "specs", path, TslStructSpecs.MaxMembers, Place.StructMember);
        if (s.GetArrayLength() == 0) Error(specsPath, "a struct needs at least one member");
        return new TslStructSpecs(members);
    }

    TslArraySpecs Array(JsonElement? specs, string path)
    {
        if (specs is not { ValueKind: JsonValueKind.Object } s)
        {
            Error(path, "must be an object with size and item");
            return new TslArraySpecs(1, Invalid);
        }
        var size = Count(s, "size", path, 1, TslArraySpecs.MaxSize);
        TslDataType item;
        if (!s.TryGetProperty("item", out var i) || i.ValueKind == JsonValueKind.Null)
        {
            Error(path + ".item", "is required: {type, specs}");
            item = Invalid;
        }
        else
        {
            item = ReadType(i, path + ".item", Place.ArrayItem);
        }
        return new TslArraySpecs(size ?? 1, item);
    }

    // ---- identifiers, names and plain fields ----

    static string? RawIdentifier(JsonElement feature) =>
        feature.TryGetProperty("identifier", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>A property, event or service identifier: the identifier rules, not reserved, unique across the module.</summary>
    string FeatureIdentifier(JsonElement feature, string path)
    {
        var identifier = Identifier(feature, path);
        if (identifier.Length == 0 || !TslRules.IsValidIdentifier(identifier)) return identifier;
        if (TslRules.IsReserved(identifier))
            Error(path + ".identifier", $"'{identifier}' is reserved ({string.Join(", ", TslRules.Reserved)})");
        else if (!_features.TryAdd(identifier, path))
            Error(path + ".identifier", $"duplicate identifier '{identifier}' (already used by {_features[identifier]})");
        return identifier;
    }

    string Identifier(JsonElement owner, string path)
    {
        var identifier = OptionalString(owner, "identifier", path);
        if (identifier is null) Error(path + ".identifier", "is required");
        else if (!TslRules.IsValidIdentifier(identifier)) Error(path + ".identifier", $"'{identifier}' {TslRules.IdentifierRule}");
        return identifier ?? "";
    }

    string Name(JsonElement owner, string path)
    {
        var name = OptionalString(owner, "name", path);
        if (name is null) Error(path + ".name", "is required");
        else if (!TslRules.IsValidName(name)) Error(path + ".name", $"'{name}' {TslRules.NameRule}");
        return name ?? "";
    }

    string? Description(JsonElement owner, string path)
    {
        var desc = OptionalString(owner, "desc", path);
        if (desc is { Length: > TslRules.MaxDescriptionLength })
            Error(path + ".desc", $"must be at most {TslRules.MaxDescriptionLength} characters");
        return desc;
    }

    /// <summary>A string member, null when absent or JSON null; any other kind is an error.</summary>
    string? OptionalString(JsonElement owner, string key, string path)
    {
        if (!owner.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.String) return v.GetString();
        Error(path + "." + key, "must be a string");
        return null;
    }

    bool Bool(JsonElement owner, string key, string path)
    {
        if (!owner.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null) return false;
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        Error(path + "." + key, "must be true or false");
        return false;
    }

    bool IsObject(JsonElement e, string path)
    {
        if (e.ValueKind == JsonValueKind.Object) return true;
        Error(path, "must be an object");
        return false;
    }

    /// <summary>The elements of an optional array member, each with its path ("properties[0]"); a non-array is an error.</summary>
    IEnumerable<(JsonElement Item, string Path)> Items(JsonElement owner, string key, string ownerPath)
    {
        var path = Join(ownerPath, key);
        if (!owner.TryGetProperty(key, out var array) || array.ValueKind == JsonValueKind.Null) yield break;
        if (array.ValueKind != JsonValueKind.Array)
        {
            Error(path, "must be an array");
            yield break;
        }
        var i = 0;
        foreach (var item in array.EnumerateArray()) yield return (item, $"{path}[{i++}]");
    }

    static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    static string Format(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    void Error(string path, string message) => errors.Add($"{path}: {message}");
}
