// A product: the type shared by a family of devices (keys, node type, data format, auth, thing model).
using Thingyard.Access;

namespace Thingyard.Registry;

public sealed class Product : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public required string ProductKey { get; set; }
    public required string ProductSecret { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>0 device, 1 gateway (the platform's numbering).</summary>
    public int NodeType { get; set; }
    /// <summary>0 custom (pass-through), 1 Alink JSON.</summary>
    public int DataFormat { get; set; } = 1;
    /// <summary>secret, id2 or x509.</summary>
    public string AuthType { get; set; } = "secret";
    public string NetType { get; set; } = "WIFI";
    public string? ProtocolType { get; set; }
    public string? CategoryKey { get; set; }
    public bool DynamicRegistration { get; set; }
    public string ProductStatus { get; set; } = "DEVELOPMENT_STATUS";
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }
    /// <summary>Set on a copy received by distribution: the instance it came from. Such a product is read-only here.</summary>
    public string? SourceInstanceId { get; set; }
    /// <summary>The distributing account's uid, for a received copy.</summary>
    public string? SourceUid { get; set; }

    /// <summary>The project it belongs to (the account's default project when none was named).</summary>
    public long? ProjectId { get; set; }
    /// <summary>The certified module or chip chosen on the debugging page (ListCertifiedModules), if any.</summary>
    public string? ModuleId { get; set; }
    /// <summary>When its owner confirmed the product information for release (the seed's first release check).</summary>
    public long? InfoConfirmedAtMs { get; set; }
    /// <summary>development, pending, rejected or released (Lifecycle.ReleaseStates); ProductStatus follows it.</summary>
    public string ReleaseState { get; set; } = "development";

    /// <summary>When its owner authorized it to the public pool (the seed's 1.2.2; irreversible): from then on every
    /// account that has been authorized a device may view it (information, topic classes, thing model; never secrets or
    /// devices).</summary>
    public long? PublicSinceMs { get; set; }

    public bool IsDistributedCopy => SourceInstanceId is not null;
    public bool IsPublic => PublicSinceMs is not null;
}
