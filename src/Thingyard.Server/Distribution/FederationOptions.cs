// The federation this instance belongs to (section Thingyard:Federation): how it describes itself, its peers,
// the shared secret peers sign calls with, and how device IPs are located for nearest access.
using Thingyard.Distribution;

namespace Thingyard.Server.Distribution;

public sealed class FederationOptions
{
    /// <summary>Display name of this instance.</summary>
    public string Name { get; set; } = "";
    public double Latitude { get; set; }
    public double Longitude { get; set; }
    /// <summary>MQTT endpoint handed to devices by bootstrap; defaults to the host the device asked on and the MQTT port.</summary>
    public string? MqttHost { get; set; }
    public int? MqttPort { get; set; }
    /// <summary>Base URL peers use to call this instance.</summary>
    public string? HttpUrl { get; set; }
    /// <summary>Secret every instance of the federation shares; peer calls are HMAC-signed with it. Without it, peering is off.</summary>
    public string? SharedSecret { get; set; }
    /// <summary>Whether this instance answers the global /auth/bootstrap for devices it does not hold (asking its peers).</summary>
    public bool ServesBootstrap { get; set; } = true;
    public List<PeerOptions> Peers { get; set; } = [];
    /// <summary>Proxies whose X-Forwarded-For is believed (addresses or CIDR blocks); anyone else's is ignored.</summary>
    public List<string> TrustedProxies { get; set; } = [];
    /// <summary>A MaxMind-format city database (e.g. DB-IP lite); tests/compat installs one from npm.</summary>
    public string? GeoIpDatabase { get; set; }
    /// <summary>Explicit CIDR-to-location rules, checked before the database.</summary>
    public List<GeoOverride> GeoIpOverrides { get; set; } = [];
    /// <summary>When set, each new notification to an account (authorization codes) is also POSTed here as JSON.</summary>
    public string? NotificationWebhook { get; set; }
}

public sealed class PeerOptions
{
    public string InstanceId { get; set; } = "";
    public string RegionId { get; set; } = "";
    public string Name { get; set; } = "";
    public string HttpUrl { get; set; } = "";
    public string MqttHost { get; set; } = "";
    public int MqttPort { get; set; } = 1883;
    public double Latitude { get; set; }
    public double Longitude { get; set; }

    public InstanceInfo ToInfo() => new()
    {
        InstanceId = InstanceId, RegionId = RegionId, Name = Name, HttpUrl = HttpUrl.TrimEnd('/'),
        MqttHost = MqttHost, MqttPort = MqttPort, Latitude = Latitude, Longitude = Longitude,
    };
}

public sealed class GeoOverride
{
    public string Cidr { get; set; } = "";
    public double Latitude { get; set; }
    public double Longitude { get; set; }
}
