// What is wrong with one section's settings. Every failure is one line that names the full key, the value (unless it
// is a secret) and what is accepted: Thingyard:Storage:Provider: "Postgress" is not a storage provider; use Sqlite or Postgres
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class SettingErrors(string section)
{
    readonly List<string> _failures = [];

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>The full key of a setting of this section: "Thingyard:Mqtt" + "Port".</summary>
    public string Key(string name) => section + ":" + name;

    public void Add(string name, string problem) => _failures.Add($"{Key(name)}: {problem}");

    public void Range(string name, long value, long min, long max, string unit = "")
    {
        if (value < min || value > max) Add(name, $"{Number(value)} is out of range; use {Number(min)} to {Number(max)}{unit}");
    }

    public void AtLeast(string name, long value, long min, string unit = "", string? accepted = null)
    {
        if (value < min) Add(name, $"{Number(value)} is too small; use {accepted ?? $"{Number(min)} or more"}{unit}");
    }

    public void Degrees(string name, double value, double limit)
    {
        if (!(value >= -limit && value <= limit))
            Add(name, $"{value.ToString(CultureInfo.InvariantCulture)} is not a {(limit == 90 ? "latitude" : "longitude")}; use -{limit} to {limit} (degrees)");
    }

    /// <summary>An absolute http:// or https:// URL, when set.</summary>
    public void HttpUrl(string name, string? value, string example)
    {
        if (string.IsNullOrEmpty(value) || IsHttpUrl(value)) return;
        Add(name, $"{Quote(value)} is not an http:// or https:// URL; use e.g. {example}");
    }

    public static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>An instance id: what peers, distribution jobs (comma-separated lists) and peer signatures carry.</summary>
    public void InstanceId(string name, string? value)
    {
        if (string.IsNullOrEmpty(value)) Add(name, "is empty; give the instance an id, e.g. iotx-shanghai-1");
        else if (value.Length > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            Add(name, $"{Quote(value)} is not an instance id; use up to 64 letters, digits, '-', '_' or '.'");
    }

    /// <summary>The value as shown in a failure: quoted, escaped onto one line, at most 200 characters.</summary>
    public static string Quote(string? value)
    {
        if (value is null) return "(not set)";
        var text = value.Length > 200 ? value[..200] : value;
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            quoted.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        if (text.Length < value.Length) quoted.Append("...");
        return quoted.Append('"').ToString();
    }

    static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
