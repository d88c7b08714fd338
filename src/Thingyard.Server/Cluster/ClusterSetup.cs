// Cluster wiring: with Thingyard:Cluster:Enabled, this node hosts an Orleans silo that joins the nodes sharing its
// PostgreSQL database (ADO.NET clustering), and Connectivity finds devices on other nodes through it. Without it
// nothing of Orleans is started: a single node keeps SingleNode and always leads.
using System.Net;
using Orleans.Configuration;
using Thingyard.Server.Connectivity;
using Thingyard.Server.Settings;
using Thingyard.Storage;

namespace Thingyard.Server.Cluster;

public static class ClusterSetup
{
    public static void AddCluster(this WebApplicationBuilder builder, ValidatedSettings settings)
    {
        var options = settings.Get<Settings.ClusterOptions>();
        var services = builder.Services;
        services.AddSingleton<ClusterStatus>();
        if (!options.Enabled)
        {
            services.AddSingleton<IClusterSessions, SingleNode>();
            services.AddSingleton(new Leadership());
            return;
        }
        var storage = settings.Get<StorageOptions>();

        services.AddSingleton(new Leadership(leads: false));
        services.AddSingleton<ClusterIdentity>();
        services.AddSingleton<ClusterSessions>();
        services.AddSingleton<IClusterSessions>(sp => sp.GetRequiredService<ClusterSessions>());
        services.AddSingleton<ClusterRelay>();
        services.AddSingleton<ClusterNode>();
        services.AddSingleton<NodeSlot>();
        services.AddSingleton<ClusterGroups>();
        services.AddSingleton<ClusterMetrics>();
        builder.UseOrleans(silo =>
        {
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = storage.ConnectionString;
            });
            silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
            {
                o.ClusterId = options.ClusterId;
                o.ServiceId = "thingyard";
            });
            silo.Configure<SiloOptions>(o => o.SiloName = options.NodeNameOrDefault);
            var advertised = string.IsNullOrEmpty(options.AdvertisedAddress) ? null : IPAddress.Parse(options.AdvertisedAddress);
            if (advertised is null) silo.ConfigureEndpoints(options.SiloPort, gatewayPort: 0);
            else silo.ConfigureEndpoints(advertised, options.SiloPort, gatewayPort: 0);
            // A node that stops answering is declared dead after about FailureDetectionSeconds (three missed probes).
            var probe = TimeSpan.FromSeconds(Math.Max(1, options.FailureDetectionSeconds / 3.0));
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = probe;
                o.NumMissedProbesLimit = 3;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(Math.Max(5, options.FailureDetectionSeconds));
            });
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            silo.Services.AddPlacementDirector<NodePlacement, NodePlacementDirector>();
        });
        services.AddHostedService<ClusterWatcher>();
    }

    /// <summary>The settings a cluster needs beyond its own section, checked before anything is written.</summary>
    public static void CheckSettings(ValidatedSettings settings)
    {
        if (!settings.Get<Settings.ClusterOptions>().Enabled) return;
        var security = settings.Get<SecurityOptions>();
        var problems = new List<string>();
        if (!settings.Get<StorageOptions>().IsPostgres)
            problems.Add($"{Sections.Cluster}:Enabled: the nodes of a cluster share one PostgreSQL database; set {Sections.Storage}:Provider to Postgres");
        if (string.IsNullOrEmpty(security.MasterKey) && string.IsNullOrEmpty(security.MasterKeyPath))
            problems.Add($"{Sections.Cluster}:Enabled: every node must seal secrets with the same key; set {Sections.Security}:MasterKey or MasterKeyPath on each node");
        if (problems.Count > 0) throw new InvalidSettingsException(problems);
    }

    /// <summary>Before the silo starts: Orleans' tables, this node's slot, and the relay of this node's changes to the
    /// others (which a response waits for).</summary>
    public static async Task PrepareClusterAsync(this WebApplication app, ValidatedSettings settings)
    {
        if (!settings.Get<Settings.ClusterOptions>().Enabled) return;
        var connectionString = settings.Get<StorageOptions>().ConnectionString!;
        await OrleansSchema.EnsureAsync(connectionString, app.Logger);
        var slot = app.Services.GetRequiredService<NodeSlot>();
        await slot.TakeAsync(connectionString);
        app.Services.GetRequiredService<Thingyard.Subscriptions.MessageIds>().UseSlot(slot.Slot, NodeSlot.Slots);
        var relay = app.Services.GetRequiredService<ClusterRelay>();
        relay.Start();
        app.Services.GetRequiredService<ClusterGroups>().Start();
        app.Services.GetRequiredService<ClusterMetrics>();
        app.Services.GetRequiredService<Thingyard.Accounts.NonceGuard>().WaitForLedger = true;
        app.Use((http, next) =>
        {
            relay.WaitForChanges(http);
            return next(http);
        });
    }
}
