// Where a device is, from the address it calls from: X-Forwarded-For only from configured proxies, explicit CIDR
// overrides first, then the MaxMind-format city database when one is configured.
using System.Net;
using Thingyard.Distribution;
using Thingyard.Server.Settings;

namespace Thingyard.Server.Distribution;

public sealed class DeviceLocator
{
    readonly IPNetwork[] _proxies;
    readonly (IPNetwork Network, double Lat, double Lon)[] _overrides;
    readonly Lazy<MaxMindReader?> _database;

    public DeviceLocator(FederationOptions f, ILogger<DeviceLocator> log)
    {
        _proxies = f.TrustedProxies.Select(ParseNetwork).ToArray();
        _overrides = f.GeoIpOverrides.Select(o => (ParseNetwork(o.Cidr), o.Latitude, o.Longitude)).ToArray();
        _database = new Lazy<MaxMindReader?>(() =>
        {
            if (string.IsNullOrEmpty(f.GeoIpDatabase)) return null;
            try { return MaxMindReader.Open(f.GeoIpDatabase); }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                log.LogError(e, "Cannot read the IP location database {Path}; nearest access falls back to the first candidate", f.GeoIpDatabase);
                return null;
            }
        });
    }

    /// <summary>The device's address: the connection's, or the last untrusted hop of X-Forwarded-For behind a trusted proxy.</summary>
    public IPAddress? ClientAddress(HttpContext http)
    {
        var remote = http.Connection.RemoteIpAddress;
        if (remote is null || !IsTrusted(remote)) return Normalize(remote);
        var hops = http.Request.Headers["X-Forwarded-For"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        for (var i = hops.Length - 1; i >= 0; i--)
        {
            if (!IPAddress.TryParse(hops[i], out var hop)) break;
            hop = Normalize(hop)!;
            if (!IsTrusted(hop)) return hop;
            remote = hop;
        }
        return Normalize(remote);
    }

    public (double Latitude, double Longitude)? Locate(IPAddress? address)
    {
        if (address is null) return null;
        foreach (var (network, lat, lon) in _overrides)
            if (network.Contains(address)) return (lat, lon);
        return _database.Value?.Locate(address);
    }

    /// <summary>The country code of an address from the database; null without one, or when it does not place the address.</summary>
    public string? CountryOf(IPAddress? address) => address is null ? null : _database.Value?.Country(address);

    /// <summary>The nearest candidate to the address, or the first when the address cannot be placed.</summary>
    public InstanceInfo Choose(IReadOnlyList<InstanceInfo> candidates, IPAddress? address) =>
        Locate(address) is { } where ? GreatCircle.Nearest(candidates, where.Latitude, where.Longitude) : candidates[0];

    bool IsTrusted(IPAddress address)
    {
        foreach (var p in _proxies) if (p.Contains(address)) return true;
        return false;
    }

    static IPAddress? Normalize(IPAddress? a) => a is { IsIPv4MappedToIPv6: true } ? a.MapToIPv4() : a;

    /// <summary>Settings are checked at start (FederationOptionsValidator, with the same parser).</summary>
    static IPNetwork ParseNetwork(string text) =>
        IpText.TryParseNetwork(text, out var network) ? network : throw new FormatException($"Not an IP address or CIDR block: {text}");
}
