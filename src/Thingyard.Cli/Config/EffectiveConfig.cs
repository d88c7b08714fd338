// The settings a command runs with: each from its global option, else its environment variable, else the config file.
namespace Thingyard.Cli.Config;

/// <summary>A setting's value and where it came from, so `config show` can say which layer won.</summary>
public sealed record Setting(string? Value, string Source);

public sealed record EffectiveConfig(Setting Endpoint, Setting AccessKeyId, Setting AccessKeySecret)
{
    public const string EndpointVariable = "THINGYARD_ENDPOINT";
    public const string AccessKeyIdVariable = "THINGYARD_ACCESS_KEY_ID";
    public const string AccessKeySecretVariable = "THINGYARD_ACCESS_KEY_SECRET";

    public static EffectiveConfig Resolve(CliConfig file, Func<string, string?> env, string? endpoint, string? keyId, string? secret) => new(
        Pick("--endpoint", endpoint, EndpointVariable, env, file.Endpoint),
        Pick("--access-key-id", keyId, AccessKeyIdVariable, env, file.AccessKeyId),
        Pick("--access-key-secret", secret, AccessKeySecretVariable, env, file.AccessKeySecret));

    static Setting Pick(string option, string? optionValue, string variable, Func<string, string?> env, string? fileValue) =>
        optionValue is { Length: > 0 } ? new(optionValue, option)
        : env(variable) is { Length: > 0 } fromEnv ? new(fromEnv, variable)
        : fileValue is { Length: > 0 } ? new(fileValue, "config file")
        : new(null, "not set");

    /// <summary>The three values a call needs, or an error that names what is missing and how to set it.</summary>
    public (Uri Endpoint, string AccessKeyId, string AccessKeySecret) Require()
    {
        string[] missing =
        [
            .. Endpoint.Value is null ? ["endpoint"] : Array.Empty<string>(),
            .. AccessKeyId.Value is null ? ["access key id"] : Array.Empty<string>(),
            .. AccessKeySecret.Value is null ? ["access key secret"] : Array.Empty<string>(),
        ];
        if (missing.Length > 0)
            throw new CliException($"no {string.Join(", ", missing)} configured; run `thingyard config set --endpoint URL --access-key-id ID "
                + $"--access-key-secret SECRET`, or set {EndpointVariable}, {AccessKeyIdVariable} and {AccessKeySecretVariable}.");
        return (ParseEndpoint(Endpoint.Value!), AccessKeyId.Value!, AccessKeySecret.Value!);
    }

    public static Uri ParseEndpoint(string endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new CliException($"endpoint '{endpoint}' is not an http or https URL.");
}
