// One thing model module: its own properties, events and services. The implicit post event and set/get services are not
// listed here; TslWriter adds them to the TSL it writes and TslParser skips them when reading TSL back.
namespace Thingyard.Protocol.Tsl;

public sealed record ThingModel(IReadOnlyList<TslProperty> Properties, IReadOnlyList<TslEvent> Events, IReadOnlyList<TslService> Services)
{
    /// <summary>Properties, events and services together, per module.</summary>
    public const int MaxFeatures = 300;

    readonly IReadOnlyList<TslProperty> _properties = Properties;
    readonly IReadOnlyList<TslEvent> _events = Events;
    readonly IReadOnlyList<TslService> _services = Services;

    // Built on first lookup; `with` resets them through the init accessors.
    Dictionary<string, TslProperty>? _propertyIndex;
    Dictionary<string, TslEvent>? _eventIndex;
    Dictionary<string, TslService>? _serviceIndex;

    public IReadOnlyList<TslProperty> Properties { get => _properties; init { _properties = value; _propertyIndex = null; } }
    public IReadOnlyList<TslEvent> Events { get => _events; init { _events = value; _eventIndex = null; } }
    public IReadOnlyList<TslService> Services { get => _services; init { _services = value; _serviceIndex = null; } }

    public int FeatureCount => Properties.Count + Events.Count + Services.Count;

    public TslProperty? Property(string identifier) =>
        (_propertyIndex ??= Index(Properties, p => p.Identifier)).GetValueOrDefault(identifier);

    public TslEvent? Event(string identifier) =>
        (_eventIndex ??= Index(Events, e => e.Identifier)).GetValueOrDefault(identifier);

    public TslService? Service(string identifier) =>
        (_serviceIndex ??= Index(Services, s => s.Identifier)).GetValueOrDefault(identifier);

    /// <summary>Whether a property, event or service has this identifier (identifiers are unique across all three).</summary>
    public bool Contains(string identifier) => Property(identifier) is not null || Event(identifier) is not null || Service(identifier) is not null;

    public bool Equals(ThingModel? other) =>
        other is not null && TslEquality.Same(Properties, other.Properties) && TslEquality.Same(Events, other.Events) &&
        TslEquality.Same(Services, other.Services);

    public override int GetHashCode() => HashCode.Combine(TslEquality.Hash(Properties), TslEquality.Hash(Events), TslEquality.Hash(Services));

    static Dictionary<string, T> Index<T>(IReadOnlyList<T> items, Func<T, string> key)
    {
        var index = new Dictionary<string, T>(items.Count, StringComparer.Ordinal);
        foreach (var item in items) index.TryAdd(key(item), item);
        return index;
    }
}
