// The node that runs the work done once per cluster (job workers, outbox, timers): the node hosting this one grain. Orleans
// keeps a single activation of it; when its node dies it is activated again on the next node to ask (PreferLocal), which
// becomes the leader.
using Orleans.Placement;

namespace Thingyard.Server.Cluster;

[Alias("Thingyard.IWorkLeaderGrain")]
public interface IWorkLeaderGrain : IGrainWithIntegerKey
{
    [Alias("Leader")]
    Task<string> Leader();
}

[PreferLocalPlacement]
public sealed class WorkLeaderGrain(ILocalSiloDetails silo) : Grain, IWorkLeaderGrain
{
    public override Task OnActivateAsync(CancellationToken ct)
    {
        DelayDeactivation(TimeSpan.FromDays(3650));
        return Task.CompletedTask;
    }

    public Task<string> Leader() => Task.FromResult(silo.Name);
}
