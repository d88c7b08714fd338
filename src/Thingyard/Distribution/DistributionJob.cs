// A distribution job at the source instance: a product, or up to 1,000 devices of one product, sent to one target
// instance (strategy 0, "specified region") or to a set of candidates (strategy 1, "nearest access").
using Thingyard.Access;

namespace Thingyard.Distribution;

public sealed class DistributionJob : IAccountOwned
{
    public long Id { get; set; }
    public required string JobId { get; set; }
    public long AccountId { get; set; }
    /// <summary>"product" or "device".</summary>
    public required string Kind { get; set; }
    public required string ProductKey { get; set; }
    public required string SourceInstanceId { get; set; }
    /// <summary>The receiving account's uid (same account when equal to the source's).</summary>
    public required string TargetUid { get; set; }
    public string? TargetAliyunId { get; set; }
    public int Strategy { get; set; }
    /// <summary>Target instance ids, comma-separated (one for strategy 0).</summary>
    public required string TargetInstanceIds { get; set; }
    public int Status { get; set; } = DistributionStatus.Initialising;
    public int Total { get; set; }
    /// <summary>The target account's one-time authorization code (cross-account only).</summary>
    public string? AuthCode { get; set; }
    public string? Error { get; set; }
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }

    public IReadOnlyList<string> Targets => TargetInstanceIds.Split(',', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>Job states as QueryDeviceDistributeJob reports them.</summary>
public static class DistributionStatus
{
    public const int Initialising = 0;
    public const int Running = 1;
    public const int Completed = 2;
    public const int Failed = 3;
}

/// <summary>One device of a job and what became of it (the per-device result file).</summary>
public sealed class DistributionItem
{
    public long Id { get; set; }
    public long JobId { get; set; }
    public required string DeviceName { get; set; }
    public int State { get; set; } = DistributionItemState.Pending;
    /// <summary>200 on success, else a reason code (see DistributionFailure).</summary>
    public int Code { get; set; }
    public string? Reason { get; set; }
    public string? TargetInstanceId { get; set; }
    public long ModifiedAtMs { get; set; }
}

public static class DistributionItemState
{
    public const int Pending = 0;
    public const int Done = 1;
    public const int Failed = 2;
}
