// Who is on an MQTT connection once authenticated: the device and what the broker needs to know about it.
using Thingyard.Access;

namespace Thingyard.Connectivity;

public sealed record DeviceIdentity(long DeviceId, long AccountId, long ProductId, string ProductKey, string DeviceName,
    string IotId, int NodeType, int DataFormat) : IAccountOwned
{
    public bool IsGateway => NodeType == 1;
    public override string ToString() => $"{ProductKey}/{DeviceName}";
}

/// <summary>The credential record used at connect: identity plus secret and state. DistributedAway: the device now lives
/// on another instance; it keeps its name here but may not connect here.</summary>
public sealed record DeviceCredential(DeviceIdentity Identity, string DeviceSecret, string Status, string? DeviceToken, bool DistributedAway = false);
