// This node's name and the other active nodes, from Orleans' membership.
namespace Thingyard.Server.Cluster;

public sealed class ClusterIdentity(Settings.ClusterOptions options, IServiceProvider services)
{
    public string Node { get; } = options.NodeNameOrDefault;

    // Resolved on first use: the membership service exists once the silo is built.
    IClusterMembershipService Membership => services.GetRequiredService<IClusterMembershipService>();

    /// <summary>The other nodes Orleans considers active.</summary>
    public IEnumerable<string> Others()
    {
        foreach (var member in Membership.CurrentSnapshot.Members.Values)
            if (member.Status == SiloStatus.Active && member.Name != Node) yield return member.Name;
    }

    public IEnumerable<ClusterMember> Members => Membership.CurrentSnapshot.Members.Values;
}
