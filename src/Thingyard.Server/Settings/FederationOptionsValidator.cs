// Section Thingyard:Federation (FederationOptions, in src/Thingyard.Server/Distribution): every peer has an id of its
// own and a URL to call it at, peers come with the shared secret their calls are signed with, and addresses and
// blocks are what DeviceLocator reads.
using Microsoft.Extensions.Options;
using Thingyard.Server.Distribution;

namespace Thingyard.Server.Settings;

public sealed class FederationOptionsValidator : IValidateOptions<FederationOptions>
{
    public ValidateOptionsResult Validate(string? name, FederationOptions o)
    {
        var e = new SettingErrors(Sections.Federation);
        e.Degrees(nameof(o.Latitude), o.Latitude, 90);
        e.Degrees(nameof(o.Longitude), o.Longitude, 180);
        if (o.MqttPort is { } port) e.Range(nameof(o.MqttPort), port, 1, 65535);
        e.HttpUrl(nameof(o.HttpUrl), o.HttpUrl, "http://10.0.0.1:8080");
        e.HttpUrl(nameof(o.NotificationWebhook), o.NotificationWebhook, "https://hooks.example.com/thingyard");
        if (o.Peers.Count > 0 && string.IsNullOrEmpty(o.SharedSecret))
            e.Add(nameof(o.SharedSecret), $"is not set but {e.Key(nameof(o.Peers))} lists {o.Peers.Count} peer(s); give every instance of the federation the same secret");

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < o.Peers.Count; i++)
        {
            var peer = o.Peers[i];
            var at = $"{nameof(o.Peers)}:{i}:";
            e.InstanceId(at + nameof(peer.InstanceId), peer.InstanceId);
            if (!string.IsNullOrEmpty(peer.InstanceId) && !seen.TryAdd(peer.InstanceId, i))
                e.Add(at + nameof(peer.InstanceId), $"{SettingErrors.Quote(peer.InstanceId)} is also {e.Key($"{nameof(o.Peers)}:{seen[peer.InstanceId]}:{nameof(peer.InstanceId)}")}; list each peer once");
            if (string.IsNullOrEmpty(peer.HttpUrl)) e.Add(at + nameof(peer.HttpUrl), "is empty; give the URL this instance calls the peer at, e.g. http://10.0.0.2:8080");
            else e.HttpUrl(at + nameof(peer.HttpUrl), peer.HttpUrl, "http://10.0.0.2:8080");
            e.Range(at + nameof(peer.MqttPort), peer.MqttPort, 1, 65535);
            e.Degrees(at + nameof(peer.Latitude), peer.Latitude, 90);
            e.Degrees(at + nameof(peer.Longitude), peer.Longitude, 180);
        }
        for (var i = 0; i < o.TrustedProxies.Count; i++)
            if (!IpText.TryParseNetwork(o.TrustedProxies[i], out _))
                e.Add($"{nameof(o.TrustedProxies)}:{i}", $"{SettingErrors.Quote(o.TrustedProxies[i])} is not an IP address or CIDR block; use e.g. 10.0.0.5 or 10.0.0.0/8");
        for (var i = 0; i < o.GeoIpOverrides.Count; i++)
        {
            var rule = o.GeoIpOverrides[i];
            var at = $"{nameof(o.GeoIpOverrides)}:{i}:";
            if (!IpText.TryParseNetwork(rule.Cidr, out _))
                e.Add(at + nameof(rule.Cidr), $"{SettingErrors.Quote(rule.Cidr)} is not a CIDR block; use e.g. 10.1.0.0/16 (or one address)");
            e.Degrees(at + nameof(rule.Latitude), rule.Latitude, 90);
            e.Degrees(at + nameof(rule.Longitude), rule.Longitude, 180);
        }
        if (!string.IsNullOrEmpty(o.GeoIpDatabase) && !File.Exists(o.GeoIpDatabase))
            e.Add(nameof(o.GeoIpDatabase), $"{SettingErrors.Quote(o.GeoIpDatabase)} does not exist; give a MaxMind-format (.mmdb) city database, or leave it unset");
        return e.Result;
    }
}
