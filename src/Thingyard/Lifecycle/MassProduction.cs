// Mass production: activation codes allocated to an account by the platform operator, and production batches that
// spend them, one code per device. A batch creates its devices through a batch registration (ApplyId), so it shares
// that job's resumable worker.
using Thingyard.Access;

namespace Thingyard.Lifecycle;

public sealed class ActivationQuota : IAccountOwned
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    /// <summary>Codes allocated in total.</summary>
    public long Allocated { get; set; }
    /// <summary>Codes spent by production batches.</summary>
    public long Used { get; set; }
    public long ModifiedAtMs { get; set; }
}

public sealed class ProductionBatch : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    /// <summary>The public id ("pb_" and 16 characters).</summary>
    public required string BatchId { get; set; }
    /// <summary>The batch registration creating its devices.</summary>
    public long ApplyId { get; set; }
    /// <summary>"count" (names generated) or "names" (an uploaded list).</summary>
    public required string Source { get; set; }
    /// <summary>Names asked for (the count, or the uploaded lines).</summary>
    public int Requested { get; set; }
    /// <summary>Activation codes spent: one per valid name.</summary>
    public int Codes { get; set; }
    /// <summary>JSON array of {line, name, error} for uploaded names that were refused.</summary>
    public string RejectedJson { get; set; } = "[]";
    public required string CreatedBy { get; set; }
    public long CreatedAtMs { get; set; }
}
