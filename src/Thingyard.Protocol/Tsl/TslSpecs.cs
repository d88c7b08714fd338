// The specs of each TSL data type. Numbers that TSL JSON carries as strings are held as numbers here.
namespace Thingyard.Protocol.Tsl;

public abstract record TslSpecs;

/// <summary>int, float and double. Min and max are always set for properties and parameters; array items may omit them.</summary>
public sealed record TslNumericSpecs(double? Min, double? Max, double? Step = null, string? Unit = null, string? UnitName = null) : TslSpecs;

/// <summary>text: the maximum length in characters, 1 to <see cref="MaxLength"/>.</summary>
public sealed record TslTextSpecs(int Length) : TslSpecs
{
    public const int MaxLength = 10240;
}

/// <summary>bool (exactly the values 0 and 1) and enum (integer values): each value with its display name.</summary>
public sealed record TslEnumSpecs(IReadOnlyDictionary<int, string> Values) : TslSpecs
{
    public const int MaxValues = 100;

    public bool Equals(TslEnumSpecs? other) =>
        other is not null && (ReferenceEquals(Values, other.Values) || Values.Count == other.Values.Count &&
            Values.All(v => other.Values.TryGetValue(v.Key, out var name) && name == v.Value));

    public override int GetHashCode()
    {
        var hash = Values.Count;
        foreach (var (key, name) in Values) hash ^= HashCode.Combine(key, name);
        return hash;
    }
}

/// <summary>struct: its members, which may not themselves be struct or array.</summary>
public sealed record TslStructSpecs(IReadOnlyList<TslParam> Members) : TslSpecs
{
    public const int MaxMembers = 50;

    public TslParam? Member(string identifier)
    {
        foreach (var m in Members)
            if (m.Identifier == identifier) return m;
        return null;
    }

    public bool Equals(TslStructSpecs? other) => other is not null && TslEquality.Same(Members, other.Members);

    public override int GetHashCode() => TslEquality.Hash(Members);
}

/// <summary>array: at most <see cref="Size"/> items (1 to <see cref="MaxSize"/>) of an int, float, double, text or struct type.</summary>
public sealed record TslArraySpecs(int Size, TslDataType Item) : TslSpecs
{
    public const int MaxSize = 512;
}
