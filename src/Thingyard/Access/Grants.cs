// What other accounts have authorized to a caller's account: projects (with the role the grantee works in there) and,
// through them, their products and those products' devices. Loaded once per request (GrantDirectory), empty for most
// callers, which keeps their queries exactly as they were.
namespace Thingyard.Access;

public sealed record Grants(IReadOnlyDictionary<long, Role> Projects, IReadOnlyDictionary<long, Role> Products)
{
    public static readonly Grants None = new(new Dictionary<long, Role>(), new Dictionary<long, Role>());

    public bool IsEmpty => Projects.Count == 0;

    /// <summary>The role granted on a project, if any.</summary>
    public Role? RoleIn(long? projectId) => projectId is { } id && Projects.TryGetValue(id, out var role) ? role : null;
}

/// <summary>A row that belongs to a product (devices, batches, panels, release records): visible where its product is.</summary>
public interface IInProduct
{
    long ProductId { get; }
}
