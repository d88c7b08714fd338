// One version of a product's remote configuration file: what devices fetch after thing.config.get or a push.
namespace Thingyard.RemoteConfig;

public sealed class ProductConfigFile
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    /// <summary>The platform's configId: 32 hex characters, new for every version.</summary>
    public string ConfigId { get; set; } = "";
    public string Content { get; set; } = "";
    /// <summary>Bytes of the UTF-8 content, as devices receive it (configSize).</summary>
    public int Size { get; set; }
    /// <summary>Hex SHA-256 of those bytes (sign, signMethod "Sha256").</summary>
    public string Sha256 { get; set; } = "";
    public long CreatedAtMs { get; set; }
}
