// A test server whose IP location database places 198.51.100.0/24 in France and 203.0.113.0/24 in Singapore (country
// codes as MaxMind's city files hold them), so the hub's region breakdown has something to find.
using Thingyard.Tests.Distribution;
using Thingyard.Tests.Infrastructure;

namespace Thingyard.Tests.OpsHub;

public sealed class OpsHubServer : ThingyardServer
{
    public OpsHubServer()
    {
        var file = Path.Combine(Path.GetTempPath(), $"thingyard-ops-{Guid.NewGuid():N}.mmdb");
        File.WriteAllBytes(file, new MmdbWriter(6, 24)
            .Add("198.51.100.0/24", Place("FR", 48.86, 2.35))
            .Add("203.0.113.0/24", Place("SG", 1.29, 103.85))
            .Build());
        Settings["Thingyard:Federation:GeoIpDatabase"] = file;
    }

    static Dictionary<string, object> Place(string country, double lat, double lon) => new()
    {
        ["country"] = new Dictionary<string, object> { ["iso_code"] = country },
        ["location"] = new Dictionary<string, object> { ["latitude"] = lat, ["longitude"] = lon },
    };
}
