// The naming rules for TSL identifiers and names, the reserved identifiers, and the size limits of a module.
namespace Thingyard.Protocol.Tsl;

public static class TslRules
{
    public const int MaxIdentifierLength = 50;
    public const int MaxNameLength = 30;
    public const int MaxDescriptionLength = 100;
    public const int MaxEventOutputs = 100;
    public const int MaxServiceInputs = 100;
    public const int MaxServiceOutputs = 100;

    /// <summary>Identifiers the platform keeps for itself; no property, event or service may use them.</summary>
    public static IReadOnlyList<string> Reserved { get; } = ["set", "get", "post", "property", "event", "time", "value"];

    public const string IdentifierRule = "must be 1 to 50 characters from letters, digits and _";
    public const string NameRule = "must be 1 to 30 characters from letters (Chinese and Japanese included), digits, spaces and - _ . / ( ), starting with a letter or digit";

    /// <summary>1 to 50 of A-Z, a-z, 0-9 and _.</summary>
    public static bool IsValidIdentifier(string s)
    {
        if (s.Length is 0 or > MaxIdentifierLength) return false;
        foreach (var c in s)
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_')) return false;
        return true;
    }

    public static bool IsReserved(string identifier) => Reserved.Contains(identifier);

    /// <summary>
    /// 1 to 30 characters; letters (any script, so Chinese and Japanese), digits, space and - _ . / ( ) （ ）;
    /// the first a letter or digit.
    /// </summary>
    public static bool IsValidName(string s)
    {
        if (s.Length is 0 or > MaxNameLength || !char.IsLetterOrDigit(s[0])) return false;
        foreach (var c in s)
            if (!(char.IsLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' or '/' or '(' or ')' or '（' or '）' or 'ー' or '・'))
                return false;
        return true;
    }
}
