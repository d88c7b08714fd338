// Section Thingyard:Cluster: several nodes serving one instance as a Microsoft Orleans cluster (docs/cluster.md). Off by
// default: a single node (SQLite or PostgreSQL) runs no Orleans at all.
using Microsoft.Extensions.Options;

namespace Thingyard.Server.Settings;

public sealed class ClusterOptions
{
    /// <summary>Joins this node to the cluster of the nodes sharing its PostgreSQL database (Storage:Provider Postgres).</summary>
    public bool Enabled { get; set; }
    /// <summary>The cluster's name in Orleans' membership table: nodes with the same one on the same database form one cluster.</summary>
    public string ClusterId { get; set; } = "thingyard";
    /// <summary>This node's name, unique in the cluster and kept across restarts (devices left ONLINE by a crash of this
    /// node are set OFFLINE when it starts again). Default: the host name and the silo port.</summary>
    public string? NodeName { get; set; }
    /// <summary>TCP port the nodes talk to each other on (Orleans silo-to-silo).</summary>
    public int SiloPort { get; set; } = 11111;
    /// <summary>The address other nodes reach this one at; default: the first address of the host name.</summary>
    public string? AdvertisedAddress { get; set; }
    /// <summary>Seconds without an answer after which other nodes declare a node dead (its devices reconnect elsewhere,
    /// its work resumes elsewhere).</summary>
    public int FailureDetectionSeconds { get; set; } = 10;

    public string NodeNameOrDefault => string.IsNullOrEmpty(NodeName) ? $"{Environment.MachineName}-{SiloPort}" : NodeName;
}

public sealed class ClusterOptionsValidator : IValidateOptions<ClusterOptions>
{
    public ValidateOptionsResult Validate(string? name, ClusterOptions o)
    {
        var e = new SettingErrors(Sections.Cluster);
        e.Range(nameof(o.SiloPort), o.SiloPort, 1, 65535);
        e.Range(nameof(o.FailureDetectionSeconds), o.FailureDetectionSeconds, 2, 300, " (seconds)");
        if (string.IsNullOrWhiteSpace(o.ClusterId) || o.ClusterId.Length > 150)
            e.Add(nameof(o.ClusterId), $"{SettingErrors.Quote(o.ClusterId)} is not a cluster id; use 1 to 150 characters");
        if (o.NodeName is { } node && (node.Length is 0 or > 100 || node.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            e.Add(nameof(o.NodeName), $"{SettingErrors.Quote(node)} is not a node name; use 1 to 100 characters without spaces");
        if (o.AdvertisedAddress is { Length: > 0 } a && !IpText.TryParseAddress(a, out _))
            e.Add(nameof(o.AdvertisedAddress), $"{SettingErrors.Quote(a)} is not an IP address; use the address other nodes reach this one at, e.g. 10.0.0.5");
        return e.Result;
    }
}
