// Section Thingyard:Scripts: the limits every data parsing script run has (Scripts/ScriptRunner). A run that goes past
// one fails alone, is logged and counted; the device's message is dropped, never the connection.
using Microsoft.Extensions.Options;
using Thingyard.Scripts;

namespace Thingyard.Server.Settings;

public sealed class ScriptOptions
{
    /// <summary>Wall time one call of a script function may take.</summary>
    public int TimeoutMs { get; set; } = 200;
    /// <summary>Bytes one run may allocate.</summary>
    public long MemoryBytes { get; set; } = 16 * 1024 * 1024;
    /// <summary>Statements one run may execute.</summary>
    public int MaxStatements { get; set; } = 1_000_000;
    /// <summary>How deep calls may nest.</summary>
    public int RecursionDepth { get; set; } = 64;
    /// <summary>Largest script accepted by SaveScript, CreateThingScript and UpdateThingScript.</summary>
    public int MaxScriptBytes { get; set; } = 128 * 1024;

    public ScriptLimits Limits => new(TimeoutMs, MemoryBytes, MaxStatements, RecursionDepth, MaxScriptBytes);
}

public sealed class ScriptOptionsValidator : IValidateOptions<ScriptOptions>
{
    public ValidateOptionsResult Validate(string? name, ScriptOptions o)
    {
        var e = new SettingErrors(Sections.Scripts);
        e.Range(nameof(o.TimeoutMs), o.TimeoutMs, 1, 60_000, " (milliseconds)");
        e.Range(nameof(o.MemoryBytes), o.MemoryBytes, 64 * 1024, 1L << 32, " (bytes)");
        e.Range(nameof(o.MaxStatements), o.MaxStatements, 100, int.MaxValue);
        e.Range(nameof(o.RecursionDepth), o.RecursionDepth, 4, 10_000);
        e.Range(nameof(o.MaxScriptBytes), o.MaxScriptBytes, 1024, 16 * 1024 * 1024, " (bytes)");
        return e.Result;
    }
}
