// A product's human-machine interface: each save is a new version of the panel definition (JSON: pages, sections and
// widgets bound to thing-model identifiers). The version current at release is locked with it.
using Thingyard.Access;

namespace Thingyard.Lifecycle;

public sealed class ProductPanel : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public int Version { get; set; }
    public required string DefinitionJson { get; set; }
    public required string CreatedBy { get; set; }
    public long CreatedAtMs { get; set; }
}

/// <summary>A virtual device: a test device of a product that the server runs itself, connected to its own broker.</summary>
public sealed class VirtualDevice : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public long DeviceId { get; set; }
    /// <summary>Seconds between generated property reports.</summary>
    public int IntervalSeconds { get; set; } = 10;
    /// <summary>JSON object: identifier (a service, or "property.set") to {code, message, delayMs, output}.</summary>
    public string RepliesJson { get; set; } = "{}";
    public bool Running { get; set; }
    public long CreatedAtMs { get; set; }
}
