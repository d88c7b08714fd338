// The hub's regions: the country of a device's last connect address (Device.IpAddress) in the IP location database
// that nearest-instance bootstrap uses (Federation:GeoIpDatabase); "unknown" without one or for an address it does not place.
using System.Net;
using Thingyard.OpsHub;
using Thingyard.Server.Distribution;

namespace Thingyard.Server.OpsHub;

public sealed class DeviceRegions(DeviceLocator locator) : IRegionLookup
{
    public string RegionOf(string? address) =>
        IPAddress.TryParse(address, out var ip) && locator.CountryOf(ip) is { Length: > 0 } country ? country : IRegionLookup.Unknown;
}
