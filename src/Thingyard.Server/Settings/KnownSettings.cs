// Checks a section's keys and values against its options class before the binder runs. The binder passes over a key
// the class does not have (Thingyard:Mqtt:Prot, a typo, would leave the port at its default without a word) and fails
// on a value of the wrong type with an exception of its own. Here both become failures naming the full key:
//   Thingyard:Mqtt:Prot: not a setting; did you mean Thingyard:Mqtt:Port?
//   Thingyard:Mqtt:Port: "abc" is not a whole number
// Only the Thingyard sections are checked (BinderOptions.ErrorOnUnknownConfiguration would apply to whatever is bound,
// and its message names the class, not the key); other configuration (Logging, Urls, the environment) is left alone.
// It runs as the first configure step of its options, so the one options pipeline refuses them at start as it refuses
// what the validators find.
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class KnownSettings<T>(IConfigurationSection section, IReadOnlySet<string> otherSections) : IConfigureOptions<T>
    where T : class
{
    public void Configure(T options)
    {
        var failures = new List<string>();
        CheckObject(section, typeof(T), failures);
        if (failures.Count > 0) throw new OptionsValidationException(Options.DefaultName, typeof(T), failures);
    }

    void CheckObject(IConfigurationSection config, Type type, List<string> failures)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && (p.SetMethod is { IsPublic: true } || ElementType(p.PropertyType) is not null))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in config.GetChildren())
        {
            if (otherSections.Contains(child.Path)) continue;
            if (properties.TryGetValue(child.Key, out var property)) CheckValue(child, property.PropertyType, failures);
            else failures.Add(Unknown(child, config.Path, properties.Keys));
        }
    }

    void CheckValue(IConfigurationSection config, Type type, List<string> failures)
    {
        if (type == typeof(string)) return;
        if (ElementType(type) is { } element)
        {
            foreach (var item in config.GetChildren()) CheckValue(item, element, failures);
            return;
        }
        var underlying = Nullable.GetUnderlyingType(type);
        var scalar = underlying ?? type;
        if (scalar.IsPrimitive || scalar.IsEnum || scalar == typeof(decimal))
        {
            if (config.Value is { } value && !(underlying is not null && value.Length == 0) && Problem(value, scalar) is { } problem)
                failures.Add($"{config.Path}: {problem}");
            return;
        }
        CheckObject(config, type, failures);
    }

    /// <summary>Why the binder could not read the value as <paramref name="type"/>; enums take their names only (the
    /// binder would also take a number that names no member).</summary>
    static string? Problem(string value, Type type)
    {
        var shown = SettingErrors.Quote(value);
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            return names.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase) ? null : $"{shown} is not accepted; use {string.Join(" or ", names)}";
        }
        try
        {
            TypeDescriptor.GetConverter(type).ConvertFromInvariantString(value);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or NotSupportedException or OverflowException)
        {
            if (type == typeof(bool)) return $"{shown} is not true or false";
            if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return $"{shown} is not a number; write decimals with a dot, e.g. 31.23";
            return long.TryParse(value, out _) ? $"{shown} is too large a number" : $"{shown} is not a whole number";
        }
    }

    string Unknown(IConfigurationSection child, string parent, IEnumerable<string> properties)
    {
        var known = properties.Concat(otherSections.Where(s => IsChildOf(s, parent)).Select(s => s[(parent.Length + 1)..]))
            .Order(StringComparer.Ordinal).ToList();
        var key = child.Key.ToLowerInvariant();
        // A typo (Prot, Storge) or a part of the name (Url for HttpUrl).
        var near = known.Select(k => (Name: k, Distance: Distance(k.ToLowerInvariant(), key)))
            .Where(k => k.Distance <= 2 || (key.Length >= 3 && k.Name.Contains(key, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(k => k.Distance).Select(k => k.Name).FirstOrDefault();
        return near is not null
            ? $"{child.Path}: not a setting; did you mean {parent}:{near}?"
            : $"{child.Path}: not a setting; {parent} has {string.Join(", ", known)}";
    }

    static bool IsChildOf(string path, string parent) =>
        path.Length > parent.Length + 1 && path.StartsWith(parent + ":", StringComparison.OrdinalIgnoreCase) && !path[(parent.Length + 1)..].Contains(':');

    /// <summary>The element type of a list setting (List&lt;T&gt;, T[]); null for anything else, strings included.</summary>
    static Type? ElementType(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        return type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(List<>) || d == typeof(IList<>)
            || d == typeof(IReadOnlyList<>) || d == typeof(IEnumerable<>) || d == typeof(ICollection<>))
            ? type.GetGenericArguments()[0] : null;
    }

    /// <summary>Levenshtein distance, for "did you mean".</summary>
    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            previous = current;
        }
        return previous[b.Length];
    }
}
