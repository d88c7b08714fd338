// An ID² product: the unit ID² identities, quota and plan belong to. Either an IoT product whose AuthType is id2 (its
// devices connect to this platform with their ID²; Pattern "iot") or a product of the ID² area, for a maker's own
// platform or a third-party system that verifies through the server API (Pattern "own", with its own ProductKey).
using Thingyard.Access;

namespace Thingyard.Id2;

public sealed class Id2Product : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>The IoT product's key (Pattern "iot"), or one issued in the ID² area (Pattern "own").</summary>
    public required string ProductKey { get; set; }
    public required string Name { get; set; }
    /// <summary>The IoT product (Pattern "iot" only).</summary>
    public long? ProductId { get; set; }
    /// <summary>Step 1's integration pattern: "iot" (this platform) or "own" (own platform or a third-party system).</summary>
    public required string Pattern { get; set; }
    /// <summary>Step 1's carrier: "se", "km", "tee" or "module".</summary>
    public required string Carrier { get; set; }
    /// <summary>Key type of identities generated for it (Id2KeyTypes names: aes, 3des, sm4, rsa, sm2).</summary>
    public required string KeyType { get; set; }
    /// <summary>IoT pattern: devices must be registered before their ID² connects them ("ID² whitelist"); otherwise a
    /// device registers itself under the name it reports once its ID² is verified.</summary>
    public bool Whitelist { get; set; }
    /// <summary>Authentication quota: activations allocated by the platform operator, and used (one per identity).</summary>
    public long QuotaAllocated { get; set; }
    public long QuotaUsed { get; set; }
    public long CreatedAtMs { get; set; }
}

public static class Id2Plans
{
    public const string IotPattern = "iot";
    public const string OwnPattern = "own";
    public static readonly string[] Patterns = [IotPattern, OwnPattern];
    public static readonly string[] Carriers = ["se", "km", "tee", "module"];

    /// <summary>What each carrier means for the maker (shown by the console and docs/id2.md).</summary>
    public static string CarrierText(string carrier) => carrier switch
    {
        "se" => "Security chip (SE): the ID² and key are burned into a secure element; identities are bought pre-provisioned or written at the chip factory, and imported here.",
        "km" => "Key management in software (KM): the ID² and key are written to the device's protected storage on the production line from an exported provisioning file.",
        "tee" => "Trusted execution environment (TEE): a trusted application holds the key; the provisioning file is loaded into the TEE's secure storage.",
        "module" => "Security module: a communication module with ID² built in; identities come with the module and are imported here.",
        _ => carrier,
    };

    public static string PatternText(string pattern) => pattern == IotPattern
        ? "This platform: devices activate and connect over MQTT with their ID² instead of a DeviceSecret."
        : "Own platform or third-party system: your server verifies devices through the ID² server API with its AccessKey.";
}
