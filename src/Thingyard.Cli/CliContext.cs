// What every command shares: the output writers, the environment, the global options, and how a call's outcome is reported.
using System.CommandLine;
using System.Text.Json;
using Thingyard.Cli.Config;
using Thingyard.Cli.Output;
using Thingyard.Protocol.OpenApi;

namespace Thingyard.Cli;

public sealed class CliContext(TextWriter stdout, TextWriter stderr, IReadOnlyDictionary<string, string?>? environment)
{
    public TextWriter Out { get; } = stdout;
    public TextWriter Err { get; } = stderr;

    public Option<string> Endpoint { get; } = new("--endpoint")
    {
        Description = "Server URL, e.g. http://localhost:8080 (overrides THINGYARD_ENDPOINT and the config file)", Recursive = true,
    };
    public Option<string> AccessKeyId { get; } = new("--access-key-id")
    {
        Description = "AccessKey ID (overrides THINGYARD_ACCESS_KEY_ID and the config file)", Recursive = true,
    };
    public Option<string> AccessKeySecret { get; } = new("--access-key-secret")
    {
        Description = "AccessKey secret (overrides THINGYARD_ACCESS_KEY_SECRET and the config file)", Recursive = true,
    };
    public Option<bool> Json { get; } = new("--json") { Description = "Print the response body as JSON", Recursive = true };

    /// <summary>Tests pass their own variables; a name they map to null counts as unset, a name they leave out falls through to the process.</summary>
    public string? Env(string name) =>
        environment is not null && environment.TryGetValue(name, out var value) ? value : Environment.GetEnvironmentVariable(name);

    public ConfigFile ConfigFile => new(Env("THINGYARD_CONFIG") is { Length: > 0 } path
        ? path
        : Path.Combine(Env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "thingyard", "config.json"));

    public EffectiveConfig Config(ParseResult r) => EffectiveConfig.Resolve(
        ConfigFile.Load(), Env, r.GetValue(Endpoint), r.GetValue(AccessKeyId), r.GetValue(AccessKeySecret));

    /// <summary>Calls the server with the configured key, then prints the body as JSON (--json) or through <paramref name="print"/>.</summary>
    public Task<int> CallAsync(ParseResult r, Func<ThingyardRpcClient, Task<JsonElement>> call, Action<JsonElement> print) => RunAsync(async () =>
    {
        var (endpoint, keyId, secret) = Config(r).Require();
        using var http = new HttpClient { BaseAddress = endpoint };
        JsonElement body;
        try
        {
            body = await call(new ThingyardRpcClient(http, keyId, secret));
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"cannot reach {endpoint}: {e.Message}");
        }
        if (r.GetValue(Json)) JsonText.Write(Out, body);
        else print(body);
    });

    /// <summary>Runs a command body, turning the failures a user can act on into one "error:" line and exit code 1.</summary>
    public async Task<int> RunAsync(Func<Task> body)
    {
        try
        {
            await body();
            return 0;
        }
        catch (RpcCallException e)
        {
            // The exception's message is already "Code: message"; a body without a code is named by its HTTP status.
            await Err.WriteLineAsync(e.Code.Length > 0 ? $"error: {e.Message}" : $"error: HTTP {e.Status}{e.Message}");
            return 1;
        }
        catch (CliException e)
        {
            await Err.WriteLineAsync($"error: {e.Message}");
            return 1;
        }
    }
}
