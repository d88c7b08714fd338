// What a project shows its end users and its operations staff, and the proprietary apps it lets call the end users'
// API: the consumer app's brand, the Operations Hub's skin, and apps with an AppKey and AppSecret that sign their
// requests the way Alibaba's API Gateway requires (X-Ca-Key, X-Ca-Signature, ...).
using Thingyard.Access;

namespace Thingyard.EndUsers;

/// <summary>A project's consumer-app brand and Operations Hub skin (one row per project; defaults when none).</summary>
public sealed class ProjectBranding : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProjectId { get; set; }
    public string? AppName { get; set; }
    /// <summary>#rrggbb.</summary>
    public string? AppColor { get; set; }
    /// <summary>A data: URL of a small image (PNG, SVG or JPEG, at most 48 KB).</summary>
    public string? AppLogo { get; set; }
    public string? HubName { get; set; }
    public string? HubColor { get; set; }
    public string? HubLogo { get; set; }
    public long ModifiedAtMs { get; set; }
}

/// <summary>A proprietary app of a project: its requests to the end users' API are signed with the AppSecret.</summary>
public sealed class ProprietaryApp : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProjectId { get; set; }
    public required string Name { get; set; }
    /// <summary>The public key of the pair (X-Ca-Key): digits, as the API Gateway issues them.</summary>
    public required string AppKey { get; set; }
    /// <summary>Sealed with the master key.</summary>
    public required string AppSecret { get; set; }
    public bool Enabled { get; set; } = true;
    public long CreatedAtMs { get; set; }
}
