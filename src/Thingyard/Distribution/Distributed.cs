// What the source instance remembers about things it sent away, and what a receiving instance knows about replicas.
namespace Thingyard.Distribution;

/// <summary>At the source: a device that now lives elsewhere. Its name stays reserved here; it cannot connect here.</summary>
public sealed class DeviceDistribution
{
    public long DeviceId { get; set; }
    public required string JobId { get; set; }
    public int Strategy { get; set; }
    /// <summary>The target (strategy 0) or the candidates (strategy 1), comma-separated.</summary>
    public required string TargetInstanceIds { get; set; }
    public required string TargetUid { get; set; }
    public long CreatedAtMs { get; set; }
    public long ModifiedAtMs { get; set; }
}

/// <summary>At the source: a product copied to a target instance and account.</summary>
public sealed class ProductDistribution
{
    public long Id { get; set; }
    public long ProductId { get; set; }
    public required string TargetInstanceId { get; set; }
    public required string TargetUid { get; set; }
    public required string JobId { get; set; }
    public long CreatedAtMs { get; set; }
}
