// A batch registration job (ApplyId): names checked first, devices created by the worker, status queried by clients.
using Thingyard.Access;

namespace Thingyard.Registry;

public sealed class BatchRegistration : IAccountOwned, IInProduct
{
    public long Id { get; set; }
    public long AccountId { get; set; }
    public long ProductId { get; set; }
    public required string ProductKey { get; set; }
    public int Count { get; set; }
    public string Status { get; set; } = BatchStatus.CheckSuccess;
    /// <summary>JSON array of the names to create ([] when the names are generated).</summary>
    public string NamesJson { get; set; } = "[]";
    /// <summary>JSON array of requested names that failed the rules or already exist.</summary>
    public string InvalidNamesJson { get; set; } = "[]";
    public string? Nicknames { get; set; }
    public long CreatedAtMs { get; set; }
    public long? FinishedAtMs { get; set; }
}

/// <summary>The status words QueryBatchRegisterDeviceStatus reports.</summary>
public static class BatchStatus
{
    public const string CheckSuccess = "CHECK_SUCCESS";
    public const string CheckFailed = "CHECK_FAILED";
    public const string Create = "CREATE";
    public const string CreateSuccess = "CREATE_SUCCESS";
    public const string CreateFailed = "CREATE_FAILED";
}
