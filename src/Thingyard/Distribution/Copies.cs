// What travels between instances when something is distributed: the product (info, thing model, submitted data
// parsing script and topic classes) and device certificates. Runtime data (status, property data, shadow, logs) never
// travels.
namespace Thingyard.Distribution;

public sealed record ProductCopy(string SourceInstanceId, string SourceUid, string TargetUid, string ProductKey, string ProductSecret,
    string Name, string? Description, int NodeType, int DataFormat, string AuthType, string NetType, bool DynamicRegistration,
    string? PublishedTsl, string? Script = null, IReadOnlyList<TopicClassCopy>? TopicClasses = null);

/// <summary>A custom topic class of a distributed product. A copy from a peer without topic classes (null) gets the
/// defaults.</summary>
public sealed record TopicClassCopy(string ShortName, Thingyard.Protocol.Topics.TopicOperation Operation, string? Description, bool IsDefault);

public sealed record DeviceCopy(string DeviceName, string DeviceSecret, string IotId, string? Nickname);

public sealed record DevicesCopy(string SourceInstanceId, string TargetUid, string ProductKey, IReadOnlyList<DeviceCopy> Devices);

public sealed record DevicesRecall(string SourceInstanceId, string ProductKey, IReadOnlyList<string> DeviceNames);

/// <summary>Per-device outcome at the receiver: 200, or a failure code with the reason.</summary>
public sealed record CopyResult(string DeviceName, int Code, string? Reason);

public sealed record AuthCodeRequest(string TargetUid, string ForUid, string SourceInstanceId);

public sealed record AuthCodeUse(string TargetUid, string ForUid, string Code);

/// <summary>Why a device of a job failed, as the result file names it.</summary>
public static class DistributionFailure
{
    public const int NotFound = 404;
    public const int AlreadyDistributed = 409;
    public const int TargetRefused = 502;
    public const int TargetUnreachable = 503;

    public static string Describe(int code) => code switch
    {
        200 => "distributed",
        NotFound => "device not found",
        AlreadyDistributed => "already distributed to another instance",
        TargetRefused => "target refused",
        TargetUnreachable => "target unreachable",
        _ => "failed",
    };
}
