namespace Thingyard.ThingModels;
public sealed record ThingModel(IReadOnlyList<object> Properties, IReadOnlyList<object> Events, IReadOnlyList<object> Services);
public sealed class TslValidationException(string m) : Exception(m);
public static class TslParser { public static ThingModel Parse(string json) => ThingModelDraft.Empty; }
public static class TslWriter { public static string ToTslJson(ThingModel m, string pk) => "{\"properties\":[],\"events\":[],\"services\":[]}"; }
public static class ThingModelDraft {
  public static ThingModel Empty { get; } = new([], [], []);
  public static ThingModel AddFeatures(ThingModel c, string j) => c;
  public static ThingModel ReplaceFeature(ThingModel c, string i, string j) => c;
  public static ThingModel RemoveFeatures(ThingModel c, IEnumerable<string> i) => c;
}
