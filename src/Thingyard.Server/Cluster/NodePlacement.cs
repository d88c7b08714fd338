// A grain placed on the node its key names: each node's NodeGrain lives on that node, so calling it is calling the node
// (a downlink for a device connected there, a cache to drop there). A node that is not an active member gets no
// activation: the call fails at once instead of starting the grain somewhere else.
using Orleans.Placement;
using Orleans.Runtime.Placement;

namespace Thingyard.Server.Cluster;

[Serializable, GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class NodePlacement : PlacementStrategy
{
    public static NodePlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodePlacementAttribute() : PlacementAttribute(NodePlacement.Instance);

public sealed class NodePlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var name = target.GrainIdentity.Key.ToString();
        var compatible = context.GetCompatibleSilos(target);
        foreach (var member in membership.CurrentSnapshot.Members.Values)
            if (member.Status == SiloStatus.Active && member.Name == name && compatible.Contains(member.SiloAddress))
                return Task.FromResult(member.SiloAddress);
        throw new OrleansException($"node {name} is not an active member of the cluster");
    }
}
