// Caches invalidated cluster-wide: every change feed a node's caches listen to is also sent to the other nodes, which
// raise it again locally. A device change arrives without its row, so what a feed's listeners do once per change
// (the subscription's lifecycle messages, which need the row) happens only on the node that made it; what they do per
// node (drop a cache, close a connection held there) happens everywhere. Failed authentications are counted on every
// node, so the throttle's limits hold for the cluster.
using Thingyard.Access;
using Thingyard.Accounts;
using Thingyard.Alarms;
using Thingyard.Registry;
using Thingyard.Rules;
using Thingyard.Scripts;
using Thingyard.Sharing;
using Thingyard.Subscriptions;
using Thingyard.ThingModels;
using Thingyard.Topics;

namespace Thingyard.Server.Cluster;

public sealed class ClusterRelay(IGrainFactory grains, ClusterIdentity self, DeviceChanges devices, ThingModelChanges models,
    TopicClassChanges topicClasses, SubscriptionChanges subscriptions, ScriptChanges scripts, RuleChanges rules, AlarmChanges alarms,
    AuthorizationChanges authorizations, GrantDirectory grants, AccessKeyStore keys, AuthThrottle throttle, ILogger<ClusterRelay> log)
{
    // Set while a change from another node is raised here: it must not be sent back out.
    [ThreadStatic] static bool t_applying;

    long _sent, _received;
    public long Sent => Interlocked.Read(ref _sent);
    public long Received => Interlocked.Read(ref _received);

    public void Start()
    {
        devices.Changed += c => Send(new ClusterChange(ChangeFeed.Device, (int)c.Kind, c.DeviceId, Text: c.ProductKey, Text2: c.DeviceName));
        models.Changed += id => Send(new ClusterChange(ChangeFeed.ThingModel, Id: id));
        topicClasses.Changed += id => Send(new ClusterChange(ChangeFeed.TopicClasses, Id: id));
        subscriptions.Changed += id => Send(new ClusterChange(ChangeFeed.Subscriptions, Id: id));
        scripts.Changed += id => Send(new ClusterChange(ChangeFeed.Script, Id: id));
        rules.Changed += () => Send(new ClusterChange(ChangeFeed.Rules));
        alarms.RulesChanged += () => Send(new ClusterChange(ChangeFeed.AlarmRules));
        alarms.AlarmCleared += (rule, device) => Send(new ClusterChange(ChangeFeed.AlarmCleared, Id: rule, Other: device));
        authorizations.Changed += (grantee, ids, authorized) =>
            Send(new ClusterChange(ChangeFeed.Authorization, Id: grantee, Ids: [.. ids], Flag: authorized));
        grants.Changed += () => Send(new ClusterChange(ChangeFeed.Grants));
        keys.Changed += id => Send(new ClusterChange(ChangeFeed.AccessKey, Text: id));
        throttle.FailureCounted += (address, identity) => Send(new ClusterChange(ChangeFeed.AuthFailure, Text: address, Text2: identity));
    }

    // The deliveries of changes made while serving one request (set per request by WaitForChanges).
    static readonly AsyncLocal<System.Collections.Concurrent.ConcurrentQueue<Task>?> RequestDeliveries = new();

    /// <summary>A response waits until the other nodes have applied the changes its request made (at most a short
    /// while): a device disabled through one node is refused by every node once the call has returned.</summary>
    public void WaitForChanges(HttpContext http)
    {
        var deliveries = new System.Collections.Concurrent.ConcurrentQueue<Task>();
        RequestDeliveries.Value = deliveries;
        http.Response.OnStarting(async () =>
        {
            if (deliveries.IsEmpty) return;
            try { await Task.WhenAll(deliveries).WaitAsync(TimeSpan.FromSeconds(2)); }
            catch (Exception e) when (e is not OutOfMemoryException) { } // logged per node below; the response goes out anyway
        });
    }

    void Send(ClusterChange change)
    {
        if (t_applying) return;
        foreach (var node in self.Others())
        {
            Interlocked.Increment(ref _sent);
            var delivery = grains.GetGrain<INodeGrain>(node).Changed(change);
            RequestDeliveries.Value?.Enqueue(delivery);
            delivery.ContinueWith(
                t => log.LogWarning(t.Exception, "Telling node {Node} of a {Feed} change failed", node, change.Feed), TaskContinuationOptions.OnlyOnFaulted);
        }
    }

    /// <summary>A change made on another node, raised here.</summary>
    public void Apply(ClusterChange c)
    {
        Interlocked.Increment(ref _received);
        t_applying = true;
        try
        {
            switch (c.Feed)
            {
                case ChangeFeed.Device: devices.Publish(new DeviceChange((DeviceChangeKind)c.Kind, c.Id, c.Text!, c.Text2!)); break;
                case ChangeFeed.ThingModel: models.Publish(c.Id); break;
                case ChangeFeed.TopicClasses: topicClasses.Publish(c.Id); break;
                case ChangeFeed.Subscriptions: subscriptions.Publish(c.Id); break;
                case ChangeFeed.Script: scripts.Publish(c.Id); break;
                case ChangeFeed.Rules: rules.Publish(); break;
                case ChangeFeed.AlarmRules: alarms.Rules(); break;
                case ChangeFeed.AlarmCleared: alarms.Cleared(c.Id, c.Other); break;
                case ChangeFeed.Authorization: authorizations.Publish(c.Id, c.Ids ?? [], c.Flag); break;
                case ChangeFeed.Grants: grants.Forget(); break;
                case ChangeFeed.AccessKey: keys.Forget(c.Text!); break;
                case ChangeFeed.AuthFailure: throttle.Failed(c.Text, c.Text2); break;
            }
        }
        catch (Exception e) { log.LogError(e, "Applying a {Feed} change from another node failed", c.Feed); }
        finally { t_applying = false; }
    }
}
