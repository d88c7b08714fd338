// A product's data parsing script (Alibaba's "数据解析"): JavaScript with rawDataToProtocol / protocolToRawData for
// a custom-format product's thing-model messages and transformPayload for custom topics. The console's draft and the
// submitted script the message path runs are kept apart, as on the platform: saving a draft changes nothing for devices.
namespace Thingyard.Scripts;

public sealed class ThingScript
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    /// <summary>JavaScript: the only language served (Alibaba's Python_27 and PHP_72 are refused).</summary>
    public string ScriptType { get; set; } = ScriptTypes.JavaScript;
    /// <summary>The submitted script the message path runs; null until one is submitted.</summary>
    public string? Content { get; set; }
    /// <summary>The console's working copy (SaveScript); null when there is none.</summary>
    public string? Draft { get; set; }
    /// <summary>Goes up on every submission: the compiled script is cached per product and version.</summary>
    public int Version { get; set; }
    public long ModifiedAtMs { get; set; }
}

public static class ScriptTypes
{
    public const string JavaScript = "JavaScript";
    /// <summary>The languages Alibaba accepts but Thingyard does not run.</summary>
    public static readonly string[] NotServed = ["Python_27", "PHP_72"];
}
