// Topology: a sub-device belongs to at most one gateway at a time.
namespace Thingyard.Gateways;

public sealed class GatewayLink
{
    public long SubDeviceId { get; set; }
    public long GatewayDeviceId { get; set; }
    public long CreatedAtMs { get; set; }
}
