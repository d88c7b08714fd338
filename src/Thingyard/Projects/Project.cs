// A project: the console's unit of work (the seed's "Project Management"). Products are created inside one; every
// account has a default project that holds the products created without naming one (and, after an upgrade, every
// product that existed before projects did).
using Thingyard.Access;

namespace Thingyard.Projects;

public sealed class Project : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>The public id ("prj_" and 16 characters).</summary>
    public required string ProjectId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>The account's default project (one per account; it cannot be deleted).</summary>
    public bool IsDefault { get; set; }
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }
}

/// <summary>A project authorized by its owner to another account, with the role the grantee's people work in there.
/// Revoking deletes the row; the grantee loses the project at its next request.</summary>
public sealed class ProjectGrant : IAccountOwned
{
    public long Id { get; set; }
    /// <summary>The granting (owning) account.</summary>
    public long AccountId { get; set; }
    public long ProjectId { get; set; }
    public long GranteeAccountId { get; set; }
    /// <summary>Admin, Developer or Viewer (never Owner: the project stays its owner's).</summary>
    public Role Role { get; set; } = Role.Viewer;
    public long CreatedAtMs { get; set; }
}
