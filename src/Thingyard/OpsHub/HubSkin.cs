// A project's skin: the Operations Hub's name, colour and logo, and the consumer app's, kept in one ProjectBranding row.
// Every value is checked before it is stored: a colour is #rrggbb, a logo a data: URL of a PNG, JPEG or SVG image of at
// most 48 KB whose bytes are what its type says.
using System.Text;
using System.Text.RegularExpressions;
using Thingyard.Common;

namespace Thingyard.OpsHub;

/// <summary>The six fields as shown and changed; null is "not set" (the hub falls back to Thingyard's own).</summary>
public sealed record HubSkin(string? HubName, string? HubColor, string? HubLogo, string? AppName, string? AppColor, string? AppLogo)
{
    public const string DefaultName = "Operations Hub";
    public const string DefaultColor = "#1f6feb";
    public const int MaxLogoBytes = 48 * 1024;
    public const int MaxNameLength = 64;

    public static readonly HubSkin None = new(null, null, null, null, null, null);

    public string Name => HubName ?? DefaultName;
    public string Color => HubColor ?? DefaultColor;
}

public static partial class HubSkinRules
{
    static readonly string[] LogoTypes = ["image/png", "image/jpeg", "image/svg+xml"];

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex Rgb();

    /// <summary>A name as stored: trimmed, at most 64 characters, no control characters; empty is null.</summary>
    public static string? Name(string field, string? value)
    {
        var name = value?.Trim();
        if (string.IsNullOrEmpty(name)) return null;
        if (name.Length > HubSkin.MaxNameLength || name.Any(char.IsControl))
            throw IotException.Invalid($"{field} must be at most {HubSkin.MaxNameLength} characters with no control characters.");
        return name;
    }

    public static string? Color(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (!Rgb().IsMatch(value)) throw IotException.Invalid($"{field} must be a colour written #rrggbb (like #1f6feb), not '{Shorten(value)}'.");
        return value.ToLowerInvariant();
    }

    /// <summary>A logo: data:image/png|jpeg|svg+xml;base64,..., at most 48 KB as a URL, and bytes of that image type.</summary>
    public static string? Logo(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        if (value.Length > HubSkin.MaxLogoBytes)
            throw IotException.Invalid($"{field} is {value.Length / 1024} KB; a logo is at most {HubSkin.MaxLogoBytes / 1024} KB.");
        var comma = value.IndexOf(',');
        var header = comma > 0 ? value[..comma] : "";
        var type = header.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase)
            ? header[5..^7].ToLowerInvariant() : null;
        if (type is null || !LogoTypes.Contains(type))
            throw IotException.Invalid($"{field} must be a data: URL of a PNG, JPEG or SVG image (data:image/png;base64,...).");
        byte[] bytes;
        try { bytes = Convert.FromBase64String(value[(comma + 1)..]); }
        catch (FormatException) { throw IotException.Invalid($"{field} is not valid base64 after its data: header."); }
        if (!LooksLike(type, bytes)) throw IotException.Invalid($"{field} says {type} but its content is not such an image.");
        return $"data:{type};base64,{value[(comma + 1)..]}";
    }

    static bool LooksLike(string type, byte[] bytes) => type switch
    {
        "image/png" => bytes.AsSpan().StartsWith((byte[])[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => bytes.AsSpan().StartsWith((byte[])[0xFF, 0xD8, 0xFF]),
        // An SVG is text with an <svg element; scripts in it never run, the hub shows it through <img>.
        _ => Encoding.UTF8.GetString(bytes).Contains("<svg", StringComparison.OrdinalIgnoreCase),
    };

    static string Shorten(string value) => value.Length <= 20 ? value : value[..20] + "…";
}
