// Section Thingyard:Security: the master key sealing secrets at rest (and the previous one while keys are rotated).
// The failed-credential limits are a section of their own, Thingyard:Security:AuthFailures (AuthThrottleOptions).
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class SecurityOptions
{
    /// <summary>Base64 of 32 bytes sealing secrets at rest; when empty, the key file is used (and created).</summary>
    public string? MasterKey { get; set; }
    /// <summary>The key file; by default master.key in the data folder. Keep it elsewhere so a copy of the data folder
    /// (or of the database) does not carry its own key.</summary>
    public string? MasterKeyPath { get; set; }
    /// <summary>While rotating: the key the stored secrets were sealed with; at start everything is sealed again with the
    /// current key. Remove it once the server has started.</summary>
    public string? PreviousMasterKey { get; set; }
    public string? PreviousMasterKeyPath { get; set; }
}

public sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    const string Accepted = "use base64 of exactly 32 random bytes, e.g. from openssl rand -base64 32";

    public ValidateOptionsResult Validate(string? name, SecurityOptions o)
    {
        var e = new SettingErrors(Sections.Security);
        OneOf(e, nameof(o.MasterKey), o.MasterKey, nameof(o.MasterKeyPath), o.MasterKeyPath);
        OneOf(e, nameof(o.PreviousMasterKey), o.PreviousMasterKey, nameof(o.PreviousMasterKeyPath), o.PreviousMasterKeyPath);
        if (IsSet(o.MasterKey) && KeyProblem(o.MasterKey!) is { } key) e.Add(nameof(o.MasterKey), $"{key} (the value is not shown); {Accepted}");
        if (IsSet(o.PreviousMasterKey) && KeyProblem(o.PreviousMasterKey!) is { } previous)
            e.Add(nameof(o.PreviousMasterKey), $"{previous} (the value is not shown); {Accepted}");
        KeyFile(e, nameof(o.MasterKeyPath), o.MasterKeyPath, mustExist: false);
        KeyFile(e, nameof(o.PreviousMasterKeyPath), o.PreviousMasterKeyPath, mustExist: true);
        return e.Result;
    }

    /// <summary>Why a text is not a master key (base64 of exactly 32 bytes), or null when it is one.</summary>
    public static string? KeyProblem(string base64)
    {
        var bytes = new byte[base64.Length];
        if (!Convert.TryFromBase64String(base64, bytes, out var length)) return "is not base64";
        return length == 32 ? null : $"decodes to {length} bytes, not 32";
    }

    static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    static void OneOf(SettingErrors e, string keyName, string? key, string pathName, string? path)
    {
        if (IsSet(key) && IsSet(path))
            e.Add(pathName, $"is set together with {e.Key(keyName)}, which would win; set one of them");
    }

    /// <summary>A key file must hold a key when it exists (the current one is created when missing; its folder too).</summary>
    static void KeyFile(SettingErrors e, string name, string? path, bool mustExist)
    {
        if (!IsSet(path)) return;
        var shown = SettingErrors.Quote(path);
        if (Directory.Exists(path)) e.Add(name, $"{shown} is a folder; give the key file's path");
        else if (!File.Exists(path))
        {
            if (mustExist) e.Add(name, $"{shown} does not exist; give the key file the stored secrets were sealed with");
        }
        else
        {
            string text;
            try { text = File.ReadAllText(path!).Trim(); }
            catch (Exception x) when (x is IOException or UnauthorizedAccessException)
            {
                e.Add(name, $"{shown} cannot be read ({x.Message})");
                return;
            }
            if (KeyProblem(text) is { } problem) e.Add(name, $"{shown} does not hold a master key: its content {problem}; the file holds base64 of exactly 32 bytes");
        }
    }
}
