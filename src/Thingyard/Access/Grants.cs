// What other accounts have authorized to a caller's account: projects (with the role the grantee works in there) and,
// through them, their products and those products' devices; and single devices (device authorization, Sharing) with
// the products they came with. Loaded once per request (GrantDirectory), empty for most callers, which keeps their
// queries exactly as they were.
namespace Thingyard.Access;

public sealed record Grants(IReadOnlyDictionary<long, Role> Projects, IReadOnlyDictionary<long, Role> Products)
{
    public static readonly Grants None = new(new Dictionary<long, Role>(), new Dictionary<long, Role>());

    /// <summary>Devices authorized to the account by their owners (device id to its product id).</summary>
    public IReadOnlyDictionary<long, long> Devices { get; init; } = new Dictionary<long, long>();

    /// <summary>Products authorized to the account with its devices (read-only: information, topic classes, model).</summary>
    public IReadOnlySet<long> AuthorizedProducts { get; init; } = new HashSet<long>();

    /// <summary>Whether this request is one an authorized account may make (GranteeActions): only then do authorized
    /// devices and products count as visible. Otherwise a lookup that finds one is refused as the owner's only.</summary>
    public bool DevicesAdmitted { get; init; }

    public bool IsEmpty => Projects.Count == 0 && AuthorizedProducts.Count == 0;

    /// <summary>Whether the account holds any device or product authorization.</summary>
    public bool HasAuthorizations => AuthorizedProducts.Count > 0;

    /// <summary>The role granted on a project, if any.</summary>
    public Role? RoleIn(long? projectId) => projectId is { } id && Projects.TryGetValue(id, out var role) ? role : null;
}

/// <summary>A row that belongs to a product (devices, batches, panels, release records): visible where its product is.</summary>
public interface IInProduct
{
    long ProductId { get; }
}
