// The audit trail of a product's way to release: every submission, decision, waiver and cancellation, with who and when.
using Thingyard.Access;

namespace Thingyard.Lifecycle;

public sealed class ReleaseRecord : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    /// <summary>The product's account.</summary>
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    /// <summary>One of <see cref="ReleaseActions"/>.</summary>
    public required string Action { get; set; }
    /// <summary>Who: a console user's name, or "AccessKey LTAI..." for a signed call.</summary>
    public required string Actor { get; set; }
    /// <summary>A rejection's or waiver's reason.</summary>
    public string? Reason { get; set; }
    public long AtMs { get; set; }
}

public static class ReleaseActions
{
    public const string Submitted = "submitted";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Cancelled = "cancelled";
    public const string Withdrawn = "withdrawn";
}

/// <summary>Where a product stands on its way to release (Product.ReleaseState). The public ProductStatus stays the
/// platform's two words: DEVELOPMENT_STATUS until approval, RELEASE_STATUS after.</summary>
public static class ReleaseStates
{
    public const string Development = "development";
    public const string Pending = "pending";
    public const string Rejected = "rejected";
    public const string Released = "released";
}
