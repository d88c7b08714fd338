// Addresses and address blocks as settings give them (Mqtt:BindAddress, Federation:TrustedProxies, GeoIpOverrides).
// Stricter than IPAddress.Parse, which reads "10" as 0.0.0.10 and "10.1" as 10.0.0.1: an IPv4 address has four parts.
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace Thingyard.Server.Settings;

public static class IpText
{
    public static bool TryParseAddress(string? text, [NotNullWhen(true)] out IPAddress? address)
    {
        address = null;
        if (string.IsNullOrWhiteSpace(text) || !IPAddress.TryParse(text, out var parsed)) return false;
        if (parsed.AddressFamily == AddressFamily.InterNetwork && text.Split('.').Length != 4) return false;
        address = parsed;
        return true;
    }

    /// <summary>A CIDR block (10.0.0.0/8), or one address as a block of its own.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var slash = text.IndexOf('/');
        if (slash >= 0) return TryParseAddress(text[..slash], out _) && IPNetwork.TryParse(text, out network);
        if (!TryParseAddress(text, out var address)) return false;
        network = new IPNetwork(address, address.GetAddressBytes().Length * 8);
        return true;
    }
}
