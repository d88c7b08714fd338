// DeviceLocator: X-Forwarded-For is believed only when the connection comes from a configured proxy, overrides win over
// the database, and a missing or broken database means "first candidate". Checked on a locator built from options and
// on the Federation fixture's own (trusted proxy 127.0.0.1).
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Thingyard.Distribution;
using Thingyard.Server.Distribution;

namespace Thingyard.Tests.Distribution;

public sealed class DeviceLocatorTests(Federation fed) : IClassFixture<Federation>
{
    static HttpContext Request(string remote, string? forwardedFor = null)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        if (forwardedFor is not null) http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        return http;
    }

    static DeviceLocator Locator(Action<FederationOptions>? configure = null)
    {
        var options = new FederationOptions();
        configure?.Invoke(options);
        return new DeviceLocator(options, NullLogger<DeviceLocator>.Instance);
    }

    static readonly InstanceInfo Singapore = new() { InstanceId = "sg", RegionId = "ap-southeast-1", Latitude = 1.35, Longitude = 103.82 };
    static readonly InstanceInfo Frankfurt = new() { InstanceId = "fra", RegionId = "eu-central-1", Latitude = 50.11, Longitude = 8.68 };

    [Fact]
    public void Without_trusted_proxies_forwarded_for_is_ignored()
    {
        var locator = Locator();
        Assert.Equal(IPAddress.Parse("127.0.0.1"), locator.ClientAddress(Request("127.0.0.1", "10.2.9.9")));
        Assert.Equal(IPAddress.Parse("198.51.100.7"), locator.ClientAddress(Request("198.51.100.7", "10.2.9.9, 10.1.1.1")));
        Assert.Equal(IPAddress.Parse("198.51.100.7"), locator.ClientAddress(Request("::ffff:198.51.100.7", "10.2.9.9")));
    }

    [Fact]
    public void Forwarded_for_is_believed_from_trusted_proxies_only_up_to_the_first_untrusted_hop()
    {
        var locator = Locator(f => f.TrustedProxies = ["127.0.0.1", "172.16.0.0/12"]);
        // From a proxy: the address it names.
        Assert.Equal(IPAddress.Parse("203.0.113.9"), locator.ClientAddress(Request("127.0.0.1", "203.0.113.9")));
        Assert.Equal(IPAddress.Parse("203.0.113.9"), locator.ClientAddress(Request("::ffff:127.0.0.1", "203.0.113.9")));
        // Through two proxies: the last hop that is not a proxy; what the client itself put first is not believed.
        Assert.Equal(IPAddress.Parse("203.0.113.9"), locator.ClientAddress(Request("172.16.0.5", "1.2.3.4, 203.0.113.9, 172.20.0.1")));
        // Not from a proxy: the connection's address, whatever the header says.
        Assert.Equal(IPAddress.Parse("198.51.100.7"), locator.ClientAddress(Request("198.51.100.7", "203.0.113.9")));
        // A proxy without the header, or with garbage in it: the last address that can be trusted.
        Assert.Equal(IPAddress.Parse("127.0.0.1"), locator.ClientAddress(Request("127.0.0.1")));
        Assert.Equal(IPAddress.Parse("127.0.0.1"), locator.ClientAddress(Request("127.0.0.1", "not-an-address")));
    }

    [Fact]
    public void Overrides_come_before_the_database_and_nothing_known_means_the_first_candidate()
    {
        var db = Path.Combine(Path.GetTempPath(), $"thingyard-{Guid.NewGuid():N}.mmdb");
        File.WriteAllBytes(db, new MmdbWriter(6, 24)
            .Add("198.51.100.0/24", new Dictionary<string, object> { ["location"] = new Dictionary<string, object> { ["latitude"] = 48.86, ["longitude"] = 2.35 } })
            .Add("203.0.113.0/24", new Dictionary<string, object> { ["location"] = new Dictionary<string, object> { ["latitude"] = 1.29, ["longitude"] = 103.85 } })
            .Build());
        try
        {
            var locator = Locator(f =>
            {
                f.GeoIpDatabase = db;
                f.GeoIpOverrides = [new GeoOverride { Cidr = "203.0.113.128/25", Latitude = 52.52, Longitude = 13.40 }];
            });
            Assert.Equal((48.86, 2.35), locator.Locate(IPAddress.Parse("198.51.100.1")));
            Assert.Equal((1.29, 103.85), locator.Locate(IPAddress.Parse("203.0.113.1")));
            Assert.Equal((52.52, 13.40), locator.Locate(IPAddress.Parse("203.0.113.200")));
            Assert.Null(locator.Locate(IPAddress.Parse("192.0.2.1")));
            Assert.Equal("fra", locator.Choose([Singapore, Frankfurt], IPAddress.Parse("198.51.100.1")).InstanceId);
            Assert.Equal("sg", locator.Choose([Frankfurt, Singapore], IPAddress.Parse("203.0.113.1")).InstanceId);
            Assert.Equal("fra", locator.Choose([Singapore, Frankfurt], IPAddress.Parse("203.0.113.200")).InstanceId);
            Assert.Equal("fra", locator.Choose([Frankfurt, Singapore], IPAddress.Parse("192.0.2.1")).InstanceId);
            Assert.Equal("sg", locator.Choose([Singapore, Frankfurt], null).InstanceId);
        }
        finally { File.Delete(db); }

        var broken = Path.Combine(Path.GetTempPath(), $"thingyard-{Guid.NewGuid():N}.mmdb");
        File.WriteAllText(broken, "not a database");
        try
        {
            var locator = Locator(f => f.GeoIpDatabase = broken);
            Assert.Null(locator.Locate(IPAddress.Parse("198.51.100.1")));
            Assert.Equal("sg", locator.Choose([Singapore, Frankfurt], IPAddress.Parse("198.51.100.1")).InstanceId);
        }
        finally { File.Delete(broken); }
        Assert.Null(Locator(f => f.GeoIpDatabase = "/nonexistent/thingyard.mmdb").Locate(IPAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public void The_federation_instances_believe_forwarded_for_from_loopback_only()
    {
        // Instance A trusts 127.0.0.1 and places 10.2.0.0/16 near Paris (so Frankfurt, C, is nearest), 10.1.0.0/16 near Singapore (B).
        var locator = fed.A.Services.GetRequiredService<DeviceLocator>();
        var candidates = new[] { Federation.BInfo, Federation.CInfo }
            .Select(s => new InstanceInfo { InstanceId = s.Id, RegionId = s.Region, Latitude = s.Lat, Longitude = s.Lon }).ToList();

        var viaProxy = locator.ClientAddress(Request("127.0.0.1", "10.2.9.9"));
        Assert.Equal(IPAddress.Parse("10.2.9.9"), viaProxy);
        Assert.Equal(Federation.CInfo.Id, locator.Choose(candidates, viaProxy).InstanceId);

        // The same header from a device connecting directly is ignored: its own address is used, which is not placed,
        // so the first candidate (B) is chosen rather than the forged C.
        var direct = locator.ClientAddress(Request("192.0.2.44", "10.2.9.9"));
        Assert.Equal(IPAddress.Parse("192.0.2.44"), direct);
        Assert.Equal(Federation.BInfo.Id, locator.Choose(candidates, direct).InstanceId);
        var directFromB = locator.ClientAddress(Request("10.1.0.7", "10.2.9.9"));
        Assert.Equal(Federation.BInfo.Id, locator.Choose(candidates.AsEnumerable().Reverse().ToList(), directFromB).InstanceId);
    }
}
