// A client's address as the platform records, limits and logs it: an IPv4 client of a dual-stack listener as IPv4
// (127.0.0.1, not ::ffff:127.0.0.1), so one device is one address whichever listener it came in on.
using System.Net;

namespace Thingyard.Server.Connectivity;

public static class RemoteAddress
{
    public static IPAddress? Of(EndPoint? endpoint) => endpoint is IPEndPoint ip ? Unmapped(ip.Address) : null;

    /// <summary>The address as text (an endpoint that is not IP as it prints itself).</summary>
    public static string? Text(EndPoint? endpoint) => Of(endpoint)?.ToString() ?? endpoint?.ToString();

    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The endpoint with its address unmapped, port kept (for log lines).</summary>
    public static EndPoint? UnmappedEndPoint(EndPoint? endpoint) =>
        endpoint is IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip ? new IPEndPoint(ip.Address.MapToIPv4(), ip.Port) : endpoint;
}
