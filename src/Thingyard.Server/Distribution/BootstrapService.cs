// The global bootstrap directory: which instance's MQTT endpoint a device must use. A device held here and not
// distributed connects here; a distributed one goes to its target (or the nearest of its candidates); a device
// unknown here is looked up at the peers, the instance that owns it deciding. What the peers said is kept 5 s (a
// device retrying, or a fleet bootstrapping at a copy holder, costs one peer round per device per 5 s); a change to the
// device here (its copy recalled or deleted) drops it at once. Bootstrap requests carry no signature, so a device no
// instance knows gets this instance's endpoint, exactly like one that lives here: the answer tells nobody what exists.
using System.Net;
using Microsoft.EntityFrameworkCore;
using Thingyard.Common;
using Thingyard.Distribution;
using Thingyard.Registry;
using Thingyard.Storage;

namespace Thingyard.Server.Distribution;

/// <summary>What an instance knows of a device: whether it owns it (home) and where it should connect.</summary>
public sealed record DeviceLocation(bool Home, int Strategy, IReadOnlyList<string> InstanceIds);

public sealed class BootstrapService
{
    public static readonly TimeSpan PeerAnswerTtl = TimeSpan.FromSeconds(5);

    readonly IDbContextFactory<ThingyardDb> dbs;
    readonly InstanceDirectory instances;
    readonly PeerClient peers;
    readonly DeviceLocator locator;
    readonly FederationOptions federation;
    readonly ILogger<BootstrapService> log;
    // Null answers (no peer knows the device) are kept too, so made-up names cannot make every request a peer round.
    readonly ExpiringCache<(string, string), DeviceLocation?> _peerAnswers;

    public BootstrapService(IDbContextFactory<ThingyardDb> dbs, InstanceDirectory instances, PeerClient peers, DeviceLocator locator,
        FederationOptions federation, TimeProvider time, DeviceChanges changes, ILogger<BootstrapService> log)
    {
        (this.dbs, this.instances, this.peers, this.locator, this.federation, this.log) = (dbs, instances, peers, locator, federation, log);
        _peerAnswers = new(PeerAnswerTtl, time, maxEntries: 100_000);
        changes.Changed += c => _peerAnswers.Remove((c.ProductKey, c.DeviceName));
    }

    /// <summary>This instance's own knowledge of a device, without asking peers.</summary>
    public async Task<DeviceLocation?> LocateHereAsync(string productKey, string deviceName, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var row = await (from d in db.Devices
                         where d.ProductKey == productKey && d.DeviceName == deviceName
                         join x in db.DeviceDistributions on d.Id equals x.DeviceId into dist
                         from x in dist.DefaultIfEmpty()
                         select new { d.SourceInstanceId, Strategy = (int?)x.Strategy, Targets = x.TargetInstanceIds }).FirstOrDefaultAsync(ct);
        if (row is null) return null;
        if (row.SourceInstanceId is not null) return new DeviceLocation(false, 0, [instances.SelfId]);
        return row.Targets is null
            ? new DeviceLocation(true, 0, [instances.SelfId])
            : new DeviceLocation(true, row.Strategy ?? 0, row.Targets.Split(',', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The instance whose MQTT endpoint the device gets: this one for a device no instance knows.</summary>
    public async Task<InstanceInfo> ResolveAsync(string productKey, string deviceName, IPAddress? address, string? requestHost, CancellationToken ct = default)
    {
        var here = await LocateHereAsync(productKey, deviceName, ct);
        if (here is null or { Home: false } && federation.ServesBootstrap && instances.PeeringEnabled)
        {
            if (!_peerAnswers.TryGet((productKey, deviceName), out var remote))
            {
                remote = await AskPeersAsync(productKey, deviceName, ct);
                _peerAnswers.Set((productKey, deviceName), remote);
            }
            if (remote is not null) here = remote;
        }
        if (here is null) return instances.Self(requestHost);
        var candidates = here.InstanceIds.Select(id => instances.Find(id, requestHost)).OfType<InstanceInfo>().ToList();
        if (candidates.Count == 0)
        {
            log.LogWarning("Device {ProductKey}/{DeviceName} belongs to unknown instance(s) {Ids}", productKey, deviceName, string.Join(",", here.InstanceIds));
            return instances.Self(requestHost);
        }
        return here.Strategy == 1 ? locator.Choose(candidates, address) : candidates[0];
    }

    /// <summary>Asks every peer; the owner's (home) answer wins over a holder's.</summary>
    async Task<DeviceLocation?> AskPeersAsync(string productKey, string deviceName, CancellationToken ct)
    {
        var query = $"/internal/federation/locate?productKey={Uri.EscapeDataString(productKey)}&deviceName={Uri.EscapeDataString(deviceName)}";
        var answers = await Task.WhenAll(instances.Peers.Select(async p =>
        {
            try { return await peers.GetAsync<DeviceLocation>(p, query, ct); }
            catch (PeerCallException e)
            {
                log.LogWarning("Bootstrap lookup at {Peer} failed: {Message}", p.InstanceId, e.Message);
                return null;
            }
        }));
        return answers.FirstOrDefault(a => a is { Home: true }) ?? answers.FirstOrDefault(a => a is not null);
    }
}
