// The settings the config file holds; any of them may be missing.
namespace Thingyard.Cli.Config;

public sealed record CliConfig(string? Endpoint, string? AccessKeyId, string? AccessKeySecret)
{
    public static CliConfig Empty { get; } = new(null, null, null);
}
