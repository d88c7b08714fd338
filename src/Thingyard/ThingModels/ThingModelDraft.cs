// Edits of a draft thing model module, as CreateThingModel, UpdateThingModel and DeleteThingModel make them.
using Thingyard.Common;
using Thingyard.Protocol.Tsl;

namespace Thingyard.ThingModels;

public static class ThingModelDraft
{
    public static ThingModel Empty { get; } = new([], [], []);

    /// <summary>Adds the features of a ThingModelJson ({"properties", "events", "services"}); none may exist already.</summary>
    /// <exception cref="TslValidationException">The features break a TSL rule, or there are none.</exception>
    /// <exception cref="IotException">iot.tsl.AlreadyExistedIdentifier when an identifier is already in the model.</exception>
    public static ThingModel AddFeatures(ThingModel current, string thingModelJson) =>
        AddFeatures(current, TslParser.ParseFeatures(thingModelJson));

    /// <summary>Adds already parsed features (a thing template's); none may exist already.</summary>
    public static ThingModel AddFeatures(ThingModel current, ThingModel given)
    {
        if (given.FeatureCount == 0)
            throw new TslValidationException("$: ThingModelJson holds no properties, events or services");
        foreach (var identifier in Identifiers(given))
            if (current.Contains(identifier)) throw Exists(identifier);
        var next = new ThingModel([.. current.Properties, .. given.Properties], [.. current.Events, .. given.Events],
            [.. current.Services, .. given.Services]);
        CheckSize(next);
        return next;
    }

    /// <summary>
    /// Replaces the feature with this identifier by the single feature in ThingModelJson, which may rename it or change its kind.
    /// A feature of the same kind keeps its place; otherwise the new one goes last among its kind.
    /// </summary>
    /// <exception cref="IotException">iot.tsl.NotExistedIdentifier for an unknown identifier; iot.tsl.AlreadyExistedIdentifier
    /// when the new identifier belongs to another feature.</exception>
    /// <exception cref="TslValidationException">The feature breaks a TSL rule, or ThingModelJson holds other than one feature.</exception>
    public static ThingModel ReplaceFeature(ThingModel current, string identifier, string thingModelJson)
    {
        if (!current.Contains(identifier)) throw NotFound(identifier);
        var given = TslParser.ParseFeatures(thingModelJson);
        if (given.FeatureCount != 1)
            throw new TslValidationException(
                $"$: ThingModelJson must hold exactly one property, event or service to replace '{identifier}' with (found {given.FeatureCount})");
        var newIdentifier = Identifiers(given).Single();
        if (newIdentifier != identifier && current.Contains(newIdentifier)) throw Exists(newIdentifier);
        return new ThingModel(
            Replace(current.Properties, p => p.Identifier == identifier, given.Properties),
            Replace(current.Events, e => e.Identifier == identifier, given.Events),
            Replace(current.Services, s => s.Identifier == identifier, given.Services));
    }

    /// <summary>Removes the features with these identifiers (properties, events or services alike).</summary>
    /// <exception cref="IotException">iot.tsl.NotExistedIdentifier when any identifier is unknown; nothing is removed then.</exception>
    public static ThingModel RemoveFeatures(ThingModel current, IEnumerable<string> identifiers)
    {
        var remove = identifiers.ToHashSet(StringComparer.Ordinal);
        foreach (var identifier in remove)
            if (!current.Contains(identifier)) throw NotFound(identifier);
        return new ThingModel(
            current.Properties.Where(p => !remove.Contains(p.Identifier)).ToList(),
            current.Events.Where(e => !remove.Contains(e.Identifier)).ToList(),
            current.Services.Where(s => !remove.Contains(s.Identifier)).ToList());
    }

    static IEnumerable<string> Identifiers(ThingModel m) =>
        m.Properties.Select(p => p.Identifier).Concat(m.Events.Select(e => e.Identifier)).Concat(m.Services.Select(s => s.Identifier));

    /// <summary>The list with the matching item swapped for the replacement (same kind), or dropped and the replacement appended.</summary>
    static List<T> Replace<T>(IReadOnlyList<T> list, Func<T, bool> isOld, IReadOnlyList<T> replacement)
    {
        var result = new List<T>(list.Count + replacement.Count);
        var placed = false;
        foreach (var item in list)
        {
            if (!isOld(item)) result.Add(item);
            else if (replacement.Count > 0) { result.AddRange(replacement); placed = true; }
        }
        if (!placed) result.AddRange(replacement);
        return result;
    }

    static void CheckSize(ThingModel model)
    {
        if (model.FeatureCount > ThingModel.MaxFeatures)
            throw new TslValidationException(
                $"$: a thing model module holds at most {ThingModel.MaxFeatures} properties, events and services together (this would make {model.FeatureCount})");
    }

    static IotException Exists(string identifier) =>
        new(IotErrors.TslFeatureExists, $"The identifier '{identifier}' already exists in the thing model.");

    static IotException NotFound(string identifier) =>
        new(IotErrors.TslFeatureNotFound, $"The identifier '{identifier}' does not exist in the thing model.");
}
